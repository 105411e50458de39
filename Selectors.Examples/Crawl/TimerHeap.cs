using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace Selectors.Examples.Crawl;

/// <summary>
/// Timers for a selector loop, as asyncio keeps them: a min-heap of deadlines. The loop asks
/// <see cref="TimeUntilNext"/> for its <c>Select</c> timeout, so it sleeps exactly until the nearest deadline, and
/// calls <see cref="RunDue"/> after each <c>Select</c>.
/// </summary>
/// <remarks>
/// A <see cref="PriorityQueue{TElement,TPriority}"/> cannot remove from the middle, so cancelling only marks the timer,
/// and cancelled timers are dropped when they reach the top. Every fetch cancels its timeout when it ends, so dead
/// entries would pile up (one per fetch within the last timeout period); like asyncio, the heap is rebuilt without
/// them once they are more than half of it.
/// </remarks>
internal sealed class TimerHeap
{
    private const int MinimumToCompact = 100; // asyncio's _MIN_SCHEDULED_TIMER_HANDLES; below it, a rebuild is not worth it

    private readonly PriorityQueue<Timer, long> _heap = new();
    private int _cancelled;

    /// <summary>Now, on the monotonic clock the deadlines use.</summary>
    public static long Now => Stopwatch.GetTimestamp();

    /// <summary>Runs <paramref name="callback"/> on the loop's thread once <paramref name="delay"/> has passed, unless cancelled first.</summary>
    public Timer Schedule(TimeSpan delay, Action callback)
    {
        var timer = new Timer(this, callback);
        long ticks = (long)(delay.TotalSeconds * Stopwatch.Frequency);
        _heap.Enqueue(timer, Now + Math.Max(0, ticks));
        return timer;
    }

    /// <summary>How long the loop may sleep: until the nearest deadline (zero if one has passed), or null (forever) with no timers.</summary>
    public TimeSpan? TimeUntilNext()
    {
        DropCancelled();
        if (!_heap.TryPeek(out _, out long deadline))
        {
            return null;
        }

        long remaining = Math.Max(0, deadline - Now);
        return TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency);
    }

    /// <summary>Runs every timer whose deadline has passed, earliest first. Timers they schedule run on a later call.</summary>
    public void RunDue()
    {
        long now = Now;
        // Bounded: only entries that were already in the heap; a callback that reschedules itself waits a turn.
        for (int budget = _heap.Count; budget > 0 && _heap.TryPeek(out Timer? timer, out long deadline) && deadline <= now; budget--)
        {
            _heap.Dequeue();
            if (timer.State == TimerState.Cancelled)
            {
                _cancelled--;
                continue;
            }

            timer.State = TimerState.Done; // Before the call: a Cancel from the callback itself is then a no-op.
            timer.Callback();
        }

        DropCancelled();
    }

    private void OnCancelled()
    {
        _cancelled++;
        if (_heap.Count > MinimumToCompact && _cancelled > _heap.Count / 2)
        {
            List<(Timer, long)> live = _heap.UnorderedItems.Where(entry => entry.Element.State == TimerState.Pending).ToList();
            _heap.Clear();
            _heap.EnqueueRange(live);
            _cancelled = 0;
        }
    }

    private void DropCancelled()
    {
        while (_heap.TryPeek(out Timer? timer, out _) && timer.State == TimerState.Cancelled)
        {
            _heap.Dequeue();
            _cancelled--;
        }
    }

    /// <summary>Where a timer is in its life.</summary>
    internal enum TimerState { Pending, Cancelled, Done }

    /// <summary>A scheduled callback; <see cref="Cancel"/> stops it from running.</summary>
    internal sealed class Timer(TimerHeap heap, Action callback)
    {
        /// <summary>What runs at the deadline.</summary>
        public Action Callback { get; } = callback;

        /// <summary>Pending until it runs or is cancelled.</summary>
        public TimerState State { get; set; }

        /// <summary>Keeps the callback from running; does nothing once it ran or was cancelled.</summary>
        public void Cancel()
        {
            if (State == TimerState.Pending)
            {
                State = TimerState.Cancelled;
                heap.OnCancelled();
            }
        }
    }
}
