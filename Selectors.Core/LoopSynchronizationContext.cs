using System;
using System.Threading;

namespace Selectors;

/// <summary>
/// The <see cref="SynchronizationContext"/> a <see cref="SelectorLoop"/> installs on its thread while a run method runs:
/// <see cref="Post"/> hands the continuation to <see cref="SelectorLoop.CallSoonThreadSafe"/>, so an <c>await</c>
/// started on the loop resumes on the loop's thread, in the order of the loop's other callbacks (asyncio's tasks
/// resume through <c>call_soon</c> the same way).
/// </summary>
internal sealed class LoopSynchronizationContext(SelectorLoop loop) : SynchronizationContext
{
    /// <summary>The loop this context posts to.</summary>
    internal SelectorLoop Loop { get; } = loop;

    /// <summary>Queues <paramref name="d"/> on the loop. A post to a disposed loop is dropped, as the loop's queues are.</summary>
    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        try
        {
            Loop.CallSoonThreadSafe(() => d(state));
        }
        catch (ObjectDisposedException)
        {
            // Disposing the loop drops what is queued on it; a continuation that arrives later is dropped the same way.
        }
    }

    /// <summary>Runs <paramref name="d"/> at once on the loop's thread; from any other thread it would have to block on
    /// the loop, which is not supported.</summary>
    /// <exception cref="NotSupportedException">Called from a thread other than the loop's.</exception>
    public override void Send(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (!Loop.IsLoopThread)
        {
            throw new NotSupportedException("Send to a SelectorLoop's context from another thread is not supported: use Post, or the loop's CallSoonThreadSafe.");
        }

        d(state);
    }

    /// <summary>This context: it carries no state of its own beyond its loop.</summary>
    public override SynchronizationContext CreateCopy() => this;
}
