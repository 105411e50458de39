using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace Selectors.Examples.Crawl;

/// <summary>
/// Timers for a selector loop, as asyncio keeps them: a min-heap of deadlines. The loop asks
/// <see cref="TimeUntilNext"/> for its <c>Select</c> timeout, so it sleeps exactly until the nearest deadline, and
/// calls <see cref="RunDue"/> after each <c>Select</c>.
/// </summary>
/// <remarks>
/// Cancelling only marks the timer (a <see cref="PriorityQueue{TElement,TPriority}"/> cannot remove from the middle);
/// cancelled timers are dropped when they reach the top. Every fetch cancels its timeout when it ends, so without that
/// the heap would hold one dead entry per finished fetch until its deadline passed: the top is pruned eagerly.
/// </remarks>
internal sealed class TimerHeap
{
    private readonly PriorityQueue<Timer, long> _heap = new();

    /// <summary>Now, on the monotonic clock the deadlines use.</summary>
    public static long Now => Stopwatch.GetTimestamp();

    /// <summary>The number of timers not yet run or dropped (cancelled ones included until they reach the top).</summary>
    public int Count => _heap.Count;

    /// <summary>Runs <paramref name="callback"/> on the loop's thread once <paramref name="delay"/> has passed, unless cancelled first.</summary>
    public Timer Schedule(TimeSpan delay, Action callback)
    {
        var timer = new Timer(callback);
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
        // Bounded: only timers that were already due when we started; a callback that reschedules itself waits a turn.
        for (int budget = _heap.Count; budget > 0 && _heap.TryPeek(out Timer? timer, out long deadline) && deadline <= now; budget--)
        {
            _heap.Dequeue();
            if (!timer.IsCancelled)
            {
                timer.Cancel(); // Done: a later Cancel by its owner is harmless.
                timer.Callback();
            }
        }

        DropCancelled();
    }

    private void DropCancelled()
    {
        while (_heap.TryPeek(out Timer? timer, out _) && timer.IsCancelled)
        {
            _heap.Dequeue();
        }
    }

    /// <summary>A scheduled callback; <see cref="Cancel"/> stops it from running.</summary>
    internal sealed class Timer(Action callback)
    {
        /// <summary>What runs at the deadline.</summary>
        public Action Callback { get; } = callback;

        /// <summary>Whether it was cancelled or has already run.</summary>
        public bool IsCancelled { get; private set; }

        /// <summary>Keeps the callback from running; idempotent.</summary>
        public void Cancel() => IsCancelled = true;
    }
}
