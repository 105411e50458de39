using System;
using System.Collections.Generic;

namespace Selectors.Examples.Crawl;

/// <summary>
/// The loop a selectors program writes for itself: each key's data is an <see cref="Action{SelectorEvents}"/> callback,
/// as in Python's <c>key.data(key.fileobj, mask)</c> idiom, plus timers (the examples' <see cref="DeadlineQueue{T}"/>,
/// keyed by the callback to run) whose nearest deadline bounds each <c>Select</c>. A client's loop: the servers'
/// counterpart, which owns a listener and its connections, is <see cref="ServerLoop"/>.
/// </summary>
internal sealed class EventLoop(ISelector selector)
{
    private readonly DeadlineQueue<Action> _timers = new();

    /// <summary>The selector the loop waits on; register sockets with an <see cref="Action{SelectorEvents}"/> as data.</summary>
    public ISelector Selector { get; } = selector;

    /// <summary>Runs <paramref name="callback"/> on the loop's thread once <paramref name="delay"/> has passed, unless
    /// cancelled first. Scheduling the same callback again moves its deadline.</summary>
    public void CallLater(TimeSpan delay, Action callback) =>
        _timers.Set(callback, DeadlineQueue<Action>.Now + (long)Math.Ceiling(Math.Max(0, delay.TotalMilliseconds)));

    /// <summary>Keeps <paramref name="callback"/> from running; nothing happens if it already ran or was never scheduled.</summary>
    public void Cancel(Action callback) => _timers.Remove(callback);

    /// <summary>Waits once (until something is ready or the nearest timer is due), then runs the ready callbacks and the due timers.</summary>
    public void RunOnce()
    {
        IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> ready = Selector.Select(_timers.TimeUntilNext(DeadlineQueue<Action>.Now));
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

        // After the sockets: a fetch whose last bytes and deadline arrive together completes instead of timing out.
        foreach (Action due in _timers.TakeExpired(DeadlineQueue<Action>.Now))
        {
            due();
        }
    }
}
