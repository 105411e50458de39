using System;
using System.Collections.Generic;

namespace Selectors.Examples.Crawl;

/// <summary>
/// The loop a selectors program writes for itself: each key's data is an <see cref="Action{SelectorEvents}"/> callback,
/// as in Python's <c>key.data(key.fileobj, mask)</c> idiom, plus a <see cref="TimerHeap"/> whose nearest deadline
/// bounds each <c>Select</c>. The crawler and the built-in site server each run one, on their own threads.
/// </summary>
internal sealed class EventLoop(ISelector selector)
{
    /// <summary>The selector the loop waits on; register sockets with an <see cref="Action{SelectorEvents}"/> as data.</summary>
    public ISelector Selector { get; } = selector;

    /// <summary>The loop's timers.</summary>
    public TimerHeap Timers { get; } = new();

    /// <summary>Waits once (until something is ready, the nearest timer, or <paramref name="maxWait"/>), then runs the ready callbacks and the due timers.</summary>
    public void RunOnce(TimeSpan? maxWait = null)
    {
        TimeSpan? wait = Timers.TimeUntilNext();
        if (maxWait is { } cap && (wait is null || wait > cap))
        {
            wait = cap;
        }

        IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> ready = Selector.Select(wait);
        IReadOnlyDictionary<int, SelectorKey> map = Selector.GetMap();
        foreach (var (key, events) in ready)
        {
            // An earlier callback in this batch may have closed this socket, and a new one may already have its
            // descriptor number: run the callback only while the same file object is still registered.
            if (map.TryGetValue(key.Fd, out SelectorKey? current) && ReferenceEquals(current.FileObject, key.FileObject))
            {
                ((Action<SelectorEvents>)current.Data!)(events);
            }
        }

        Timers.RunDue();
    }
}
