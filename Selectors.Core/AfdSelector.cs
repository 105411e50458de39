using System.Runtime.Versioning;
using Selectors.Engines;

namespace Selectors;

/// <summary>
/// A selector on the Windows AFD driver (<see cref="Selectors.Afd.AfdPollSet"/>), as Java's default Windows selector
/// (wepoll) and mio poll: sockets only, like <see cref="SelectSelector"/>, but each <c>Select</c> costs what is ready,
/// not what is registered, and allocates nothing. Opt in with <c>new AfdSelector()</c> or
/// <c>SELECTORS_BACKEND=afd</c>; <see cref="DefaultSelector"/> stays on select on Windows.
/// </summary>
/// <remarks>
/// Tested under Wine (Debian's wine64), which implements the driver's poll request, not on Windows itself. A socket
/// may be given as a <see cref="System.Net.Sockets.Socket"/>, a socket handle (as an <c>int</c>), a
/// <see cref="System.Runtime.InteropServices.SafeHandle"/> or an <see cref="IFileObject"/>; anything else fails at
/// registration with a <see cref="System.Net.Sockets.SocketException"/> (WSAENOTSOCK).
/// </remarks>
[SupportedOSPlatform("windows")]
public sealed class AfdSelector : BaseSelector
{
    /// <summary>Creates a completion port and opens the AFD driver on it.</summary>
    /// <exception cref="System.PlatformNotSupportedException">This is not Windows.</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">The port or the driver could not be opened.</exception>
    public AfdSelector() : base(new AfdEngine())
    {
    }
}
