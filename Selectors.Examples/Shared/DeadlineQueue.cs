using System;
using System.Collections.Generic;

namespace Selectors.Examples;

/// <summary>
/// The timers of a selector loop: one deadline per item (a connection's idle timeout), the nearest one bounding the
/// next <c>Select</c>, and the expired ones taken out after it. Times are milliseconds of
/// <see cref="Environment.TickCount64"/>, a monotonic clock, so changing the wall clock moves no deadline.
/// </summary>
/// <remarks>
/// A min-heap with lazy updates, as asyncio keeps its timer handles: moving a deadline later (every time a connection
/// does something) only updates a dictionary; the heap entry is corrected when it reaches the top. So each item has
/// about one heap entry, and a busy connection costs no heap work per request.
/// </remarks>
internal sealed class DeadlineQueue<T>
    where T : notnull
{
    private readonly Dictionary<T, long> _deadlines = new();

    // Invariant: every item in _deadlines has a heap entry at or before its deadline. Entries may be stale.
    private readonly PriorityQueue<T, long> _heap = new();

    /// <summary>The current time on this queue's clock.</summary>
    public static long Now => Environment.TickCount64;

    /// <summary>How many items have a deadline.</summary>
    public int Count => _deadlines.Count;

    /// <summary>Sets (or moves) <paramref name="item"/>'s deadline to <paramref name="deadline"/> (see <see cref="Now"/>).</summary>
    public void Set(T item, long deadline)
    {
        bool had = _deadlines.TryGetValue(item, out long previous);
        _deadlines[item] = deadline;
        if (!had || deadline < previous)
        {
            _heap.Enqueue(item, deadline);
        }
    }

    /// <summary>Removes <paramref name="item"/>'s deadline, if it has one.</summary>
    public void Remove(T item) => _deadlines.Remove(item);

    /// <summary>How long until the nearest deadline (zero if one has passed), or null when there is none: wait forever.</summary>
    public TimeSpan? TimeUntilNext(long now)
    {
        DropStaleTop();
        return _heap.TryPeek(out _, out long deadline) ? TimeSpan.FromMilliseconds(Math.Max(0, deadline - now)) : null;
    }

    /// <summary>Removes and returns the items whose deadline is at or before <paramref name="now"/>, earliest first.</summary>
    public List<T> TakeExpired(long now)
    {
        var expired = new List<T>();
        DropStaleTop();
        while (_heap.TryPeek(out T? item, out long deadline) && deadline <= now)
        {
            _heap.Dequeue();
            _deadlines.Remove(item);
            expired.Add(item);
            DropStaleTop();
        }

        return expired;
    }

    private void DropStaleTop()
    {
        // Bounded by the heap's size: every pass removes an entry, and re-adds at most one for a later deadline.
        for (int i = _heap.Count; i > 0 && _heap.TryPeek(out T? item, out long queued); i--)
        {
            bool live = _deadlines.TryGetValue(item, out long current);
            if (live && current == queued)
            {
                return;
            }

            _heap.Dequeue();
            if (live && current > queued)
            {
                _heap.Enqueue(item, current); // The deadline was moved later: re-file the one entry.
            }
        }
    }
}
