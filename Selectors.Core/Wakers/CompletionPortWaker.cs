using System.Runtime.Versioning;
using Selectors.Afd;

namespace Selectors.Wakers;

/// <summary>
/// The AFD engine's waker: a packet posted to the poll set's completion port (<c>PostQueuedCompletionStatus</c>), which
/// the wait dequeues as an entry of its own; nothing to drain. The port belongs to the engine's set, not to the waker.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class CompletionPortWaker(AfdPollSet pollSet, ulong data) : Waker
{
    protected override void Signal() => pollSet.Post(data);

    // The wait consumed the one packet when it saw it.
    protected override void Drain()
    {
    }

    protected override void Release()
    {
    }
}
