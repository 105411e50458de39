using System.Runtime.InteropServices;

namespace Selectors.Afd;

/// <summary>One readiness report of <see cref="AfdPollSet.Wait"/>: the events that happened and the registration's data.</summary>
/// <param name="Events">What happened, within the registered interest; <see cref="AfdEvents.None"/> for a packet of <see cref="AfdPollSet.Post"/>.</param>
/// <param name="Data">The data given at registration (or the last <see cref="AfdPollSet.Modify"/>), or the posted data.</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct AfdEvent(AfdEvents Events, ulong Data);
