using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace Selectors;

/// <summary>
/// A small event loop over a selector, for crawler and server authors who would rather not write one: asyncio's
/// <c>call_soon</c>, <c>call_later</c>, <c>call_soon_threadsafe</c>, <c>run_forever</c> and <c>stop</c>, dispatching the
/// callbacks that registrations keep in their data. This goes beyond Python's <c>selectors</c> module, which leaves
/// the loop to you; writing that loop over <see cref="ISelector.Select(TimeSpan?)"/> yourself stays a first-class
/// way to use this library, and this class is that loop, written once.
/// </summary>
/// <remarks>
/// <para>
/// <b>I/O callbacks.</b> Register with the callback as the key's data:
/// <c>loop.Selector.Register(socket, SelectorEvents.Read, (Action&lt;SelectorKey, SelectorEvents&gt;)OnReadable)</c>.
/// When the key is reported ready, the loop calls it with the key and the ready events (Python's
/// <c>key.data(key, mask)</c> idiom). That is the one shape accepted (a delegate that accepts those argument types
/// through variance, such as <c>Action&lt;object, SelectorEvents&gt;</c>, is one too): a ready key whose data is
/// anything else makes <see cref="RunForever"/> or <see cref="RunOnce"/> throw an
/// <see cref="InvalidOperationException"/> naming its file object and descriptor.
/// </para>
/// <para>
/// A callback may unregister, close or modify any key, including keys later in the same batch: before each callback
/// the loop looks the descriptor up again. A key unregistered meanwhile is skipped, as is a descriptor number that now
/// belongs to another file object. A key that was modified (<see cref="ISelector.Modify"/> returns a new key) is
/// dispatched as it is now: its new callback, with the ready events masked by its new interest (skipped if none is
/// left), so a data-only change never loses an edge-triggered event.
/// </para>
/// <para>
/// <b>A turn</b> is what asyncio's <c>_run_once</c> does. The loop waits in <c>Select</c>: not at all if callbacks are
/// queued with <see cref="CallSoon"/> or a stop is pending, else until the earliest timer is due, else (nothing
/// scheduled) until a key is ready or <see cref="CallSoonThreadSafe"/> or <see cref="Stop"/> wakes it. Then it runs,
/// in this order: the <see cref="CallSoon"/> and <see cref="CallSoonThreadSafe"/> callbacks queued before the wait
/// ended (first in, first out), the I/O callbacks of the ready keys, and the timers that are due (earliest deadline
/// first, then in the order they were scheduled). Whatever those callbacks schedule runs on a later turn, so a
/// callback that calls <see cref="CallSoon"/> from an I/O callback runs after every other I/O callback of this turn.
/// </para>
/// <para>
/// <b>Exceptions</b> thrown by a callback are not caught: they leave <see cref="RunForever"/> or
/// <see cref="RunOnce"/> as thrown, stack trace intact, and the loop stays usable. The rest of the interrupted turn is
/// kept, not dropped: the next <see cref="RunForever"/> or <see cref="RunOnce"/> finishes it (the remaining queued
/// callbacks, ready keys and due timers, in the order above, still skipping keys unregistered or modified meanwhile)
/// before it waits again. The callback that threw is not retried.
/// </para>
/// <para>
/// <b>Allocation.</b> A turn allocates nothing of its own (the wait fills a reused buffer of ready keys; the queues and
/// the timer heap reuse their storage), whether it times out, is woken, or dispatches ready keys; only what the
/// callbacks allocate is allocated. <see cref="CallLater"/> allocates its <see cref="TimerHandle"/>. The buffer grows
/// (up to 1,024 entries) when a wait fills it; more ready keys than that are handed out over the next turns, none lost.
/// </para>
/// <para>
/// <b>Threads.</b> The loop belongs to the thread that runs it, as asyncio's does. <see cref="CallSoonThreadSafe"/>,
/// <see cref="Stop"/> and <see cref="IsRunning"/> may be used from any thread at any time; everything else
/// (<see cref="CallSoon"/>, <see cref="CallLater"/>, <see cref="TimerHandle.Cancel"/>, the run methods,
/// <see cref="Dispose"/>) must be called from the loop's callbacks, or while the loop is not running, from one thread
/// at a time. Registering with <see cref="Selector"/> from other threads is as safe as the selector makes it.
/// </para>
/// <para>
/// <b>Coroutines.</b> While a run method runs, the loop's thread has a <see cref="SynchronizationContext"/> that posts
/// to <see cref="CallSoonThreadSafe"/>, so an <c>await</c> started on the loop resumes on it; see
/// <see cref="RunUntilComplete(Func{System.Threading.Tasks.Task})"/> and the awaitables (<see cref="WaitReadableAsync"/>,
/// <see cref="SockRecvAsync"/> and the other socket calls).
/// </para>
/// <para>
/// <b>Time</b> is <see cref="Stopwatch"/>'s monotonic clock: changing the wall clock moves no timer. A timer never
/// runs before its delay has passed; how late it runs depends on the other callbacks of its turn and on the machine.
/// </para>
/// </remarks>
public sealed partial class SelectorLoop : IDisposable
{
    private const int InitialReadyLength = 64;
    private const int MaxReadyLength = 1024;

    // Cancelled timers stay in the heap until they reach its top; when they are many and most of it, the heap is
    // rebuilt without them (asyncio's _MIN_SCHEDULED_TIMER_HANDLES and _MIN_CANCELLED_TIMER_HANDLES_FRACTION).
    private const int MinCancelledToPurge = 100;

    private readonly bool _ownsSelector;
    private readonly IReadOnlyDictionary<int, SelectorKey> _map;
    private readonly Queue<Action> _soon = new();
    private readonly Queue<Action> _threadSafe = new(); // guarded by its own lock; the only state other threads touch
    private readonly PriorityQueue<TimerHandle, (long Deadline, long Sequence)> _timers = new();
    private (SelectorKey Key, SelectorEvents Events)[] _ready = new (SelectorKey Key, SelectorEvents Events)[InitialReadyLength];
    private long _timerSequence;
    private int _cancelledTimers;
    private volatile bool _stopping;
    private volatile bool _disposed;
    private int _runningThread; // the managed id of the thread in a run method; 0 when none

    // The turn in progress. A callback's exception leaves it unfinished, and the next run call finishes it first.
    private bool _inTurn;
    private int _soonLeft;
    private int _readyNext;
    private int _readyCount;
    private long _turnTime;
    private long _turnSequence;

    /// <summary>A loop on a new <see cref="DefaultSelector"/>, which it owns: <see cref="Dispose"/> closes it.</summary>
    /// <exception cref="UnixSystemCallException">The selector's OS object could not be created.</exception>
    public SelectorLoop()
        : this(new DefaultSelector(), ownsSelector: true)
    {
    }

    /// <summary>A loop on <paramref name="selector"/>.</summary>
    /// <param name="selector">The selector to wait on; keys registered before the loop starts are dispatched like the others.</param>
    /// <param name="ownsSelector">Whether <see cref="Dispose"/> closes <paramref name="selector"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="selector"/> is null.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="selector"/> is closed.</exception>
    public SelectorLoop(ISelector selector, bool ownsSelector = false)
    {
        ArgumentNullException.ThrowIfNull(selector);
        _map = selector.GetMap();
        Selector = selector;
        _ownsSelector = ownsSelector;
    }

    /// <summary>
    /// The selector the loop waits on. Register with an <c>Action&lt;SelectorKey, SelectorEvents&gt;</c> as the data;
    /// modify and unregister as usual, from callbacks too. Do not call its <c>Select</c> while the loop runs.
    /// </summary>
    public ISelector Selector { get; }

    /// <summary>Whether a run method is in progress (on any thread). Thread-safe.</summary>
    public bool IsRunning => Volatile.Read(ref _runningThread) != 0;

    /// <summary>
    /// Runs <paramref name="callback"/> on the next turn, after the callbacks queued before it (asyncio's
    /// <c>call_soon</c>). The next turn does not wait for I/O. Loop thread only: from other threads use
    /// <see cref="CallSoonThreadSafe"/>.
    /// </summary>
    /// <param name="callback">What to run.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop is disposed.</exception>
    public void CallSoon(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _soon.Enqueue(callback);
    }

    /// <summary>
    /// Runs <paramref name="callback"/> once <paramref name="delay"/> has passed, on the first turn after that (asyncio's
    /// <c>call_later</c>); never earlier. A zero or negative delay makes it due at once, to run on the next turn, after
    /// that turn's I/O callbacks. Loop thread only.
    /// </summary>
    /// <param name="delay">How long to wait, at least.</param>
    /// <param name="callback">What to run.</param>
    /// <returns>The handle that cancels it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop is disposed.</exception>
    public TimerHandle CallLater(TimeSpan delay, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ObjectDisposedException.ThrowIf(_disposed, this);
        long deadline = Deadline.TimestampAfter(Stopwatch.GetTimestamp(), delay);
        var timer = new TimerHandle(this, callback);
        _timers.Enqueue(timer, (deadline, _timerSequence++));
        return timer;
    }

    /// <summary>
    /// Runs <paramref name="callback"/> on the loop's thread, on its next turn, waking the loop if it is waiting
    /// (asyncio's <c>call_soon_threadsafe</c>). Thread-safe: the one way to hand the loop work from another thread.
    /// Callbacks from one thread run in the order they were given. Called while the loop is not running, the callback
    /// waits for the next run call.
    /// </summary>
    /// <param name="callback">What to run.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop is disposed. A callback given while another thread disposes the
    /// loop may be dropped without an exception.</exception>
    public void CallSoonThreadSafe(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_threadSafe)
        {
            _threadSafe.Enqueue(callback);
        }

        Selector.Wakeup();
    }

    /// <summary>
    /// Makes <see cref="RunForever"/> return after the turn in progress (asyncio's <c>stop</c>): the callbacks of that
    /// turn still run; what they schedule waits for the next run call. Thread-safe: from a callback it takes effect at
    /// the end of the turn; from another thread it also wakes the loop if it is waiting, so the loop stops promptly.
    /// Called while <see cref="RunForever"/> is not running, the next <see cref="RunForever"/> runs one turn without
    /// waiting and returns, as asyncio's does. Does nothing on a disposed loop.
    /// </summary>
    public void Stop()
    {
        _stopping = true;
        if (Volatile.Read(ref _runningThread) != Environment.CurrentManagedThreadId && !_disposed)
        {
            // A Dispose on the loop's thread may close the selector meanwhile: Wakeup on a closed selector does nothing.
            Selector.Wakeup();
        }
    }

    /// <summary>
    /// Runs turns until <see cref="Stop"/> is called (asyncio's <c>run_forever</c>). With nothing registered and
    /// nothing scheduled it waits until another thread calls <see cref="CallSoonThreadSafe"/> or <see cref="Stop"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loop is already running (called from a callback, or from a
    /// second thread), or a ready key's data is not an <c>Action&lt;SelectorKey, SelectorEvents&gt;</c>.</exception>
    /// <exception cref="ObjectDisposedException">The loop or its selector is disposed.</exception>
    /// <exception cref="Exception">Whatever a callback threw, unchanged; the loop stays usable (see the remarks on
    /// <see cref="SelectorLoop"/>).</exception>
    public void RunForever()
    {
        SynchronizationContext? previous = Enter();
        try
        {
            do
            {
                Turn(maxWait: Deadline.Infinite);
            }
            while (!_stopping);
        }
        finally
        {
            _stopping = false;
            Exit(previous);
        }
    }

    /// <summary>
    /// Runs one turn, waiting at most <paramref name="timeout"/> for something to do; for tests, and for programs that
    /// drive the loop from their own loop. If the previous turn was cut short by a callback's exception, this finishes
    /// that turn instead, without waiting.
    /// </summary>
    /// <param name="timeout">The longest wait: null or <see cref="Timeout.InfiniteTimeSpan"/> for no limit but the
    /// loop's own (the earliest timer, or until a key is ready or the loop is woken); zero or negative not to wait.</param>
    /// <exception cref="InvalidOperationException">The loop is already running, or a ready key's data is not an
    /// <c>Action&lt;SelectorKey, SelectorEvents&gt;</c>.</exception>
    /// <exception cref="ObjectDisposedException">The loop or its selector is disposed.</exception>
    /// <exception cref="Exception">Whatever a callback threw, unchanged.</exception>
    public void RunOnce(TimeSpan? timeout = null)
    {
        SynchronizationContext? previous = Enter();
        try
        {
            Turn(Deadline.ToTicks(timeout));
        }
        finally
        {
            Exit(previous);
        }
    }

    /// <summary>
    /// Drops every scheduled callback and, if the loop owns its selector, closes it; idempotent. Loop thread only, and
    /// not while a run method is in progress: <see cref="Stop"/> the loop first. Awaitables still pending
    /// (<see cref="WaitReadableAsync"/>, <see cref="SockRecvAsync"/>, ...) have their interest removed from the selector
    /// and complete as cancelled, with an <see cref="OperationCanceledException"/>; their continuations run at once, on
    /// the disposing thread.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loop is running.</exception>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (IsRunning)
        {
            throw new InvalidOperationException("Cannot dispose a running loop: call Stop, and dispose it after RunForever returns.");
        }

        _disposed = true;
        CancelPendingOperations();
        _soon.Clear();
        lock (_threadSafe)
        {
            _threadSafe.Clear();
        }

        _timers.Clear();
        _cancelledTimers = 0;
        Array.Clear(_ready);
        _inTurn = false;
        if (_ownsSelector)
        {
            Selector.Close();
        }
    }

    /// <summary>Timers in the heap, cancelled ones not yet dropped included: for tests.</summary>
    internal int ScheduledTimerCount => _timers.Count;

    internal void OnTimerCancelled() => _cancelledTimers++;

    /// <summary>Turns begun so far: for tests that check the loop waits instead of spinning.</summary>
    internal long TurnCount { get; private set; }

    /// <summary>Claims the loop for this thread and installs its synchronization context; returns the previous one.</summary>
    private SynchronizationContext? Enter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.CompareExchange(ref _runningThread, Environment.CurrentManagedThreadId, 0) != 0)
        {
            throw new InvalidOperationException("The loop is already running: a run method was called from a callback, or from a second thread.");
        }

        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(Context);
        return previous;
    }

    /// <summary>Gives the loop back: restores the thread's previous synchronization context.</summary>
    private void Exit(SynchronizationContext? previous)
    {
        SynchronizationContext.SetSynchronizationContext(previous);
        Volatile.Write(ref _runningThread, 0);
    }

    /// <summary>Runs (or finishes) one turn; <paramref name="maxWait"/> bounds the wait in <see cref="TimeSpan"/> ticks (<see cref="Deadline.Infinite"/>: no bound).</summary>
    private void Turn(long maxWait)
    {
        if (!_inTurn)
        {
            BeginTurn(maxWait);
        }

        // Each callback is taken off its queue, buffer or heap before it runs, so when one throws, the turn resumes
        // after it.
        while (_soonLeft > 0)
        {
            _soonLeft--;
            _soon.Dequeue()();
        }

        while (_readyNext < _readyCount)
        {
            (SelectorKey key, SelectorEvents events) = _ready[_readyNext];
            _ready[_readyNext++] = default; // let go of the key: it may belong to a socket about to be closed
            // The key as it is now: a Modify by an earlier callback replaced the key object but not the registration,
            // and skipping it would lose an edge-triggered event whose data alone changed (no system call re-reports it).
            if (_map.TryGetValue(key.Fd, out SelectorKey? current) && ReferenceEquals(current.FileObject, key.FileObject)
                && (events & current.Events) is var wanted and not SelectorEvents.None)
            {
                (current.Data as Action<SelectorKey, SelectorEvents> ?? throw NotACallback(current))(current, wanted);
            }
        }

        // Only timers scheduled before the wait ended: one scheduled by this turn's callbacks, even with no delay,
        // waits for the next turn, as call_later(0) does in asyncio.
        while (_timers.TryPeek(out TimerHandle? timer, out var order) && order.Deadline <= _turnTime && order.Sequence < _turnSequence)
        {
            _timers.Dequeue();
            if (timer.Take() is { } callback)
            {
                callback();
            }
            else
            {
                _cancelledTimers--;
            }
        }

        _inTurn = false;
    }

    private void BeginTurn(long maxWait)
    {
        MoveThreadSafeCallbacks();
        DropCancelledTimers();
        if (_readyCount == _ready.Length && _ready.Length < MaxReadyLength)
        {
            // The last wait filled the buffer: more may be ready at once than it holds.
            _ready = new (SelectorKey Key, SelectorEvents Events)[_ready.Length * 2];
        }

        TurnCount++;
        long wait = WaitTicks(Stopwatch.GetTimestamp(), maxWait);
        _readyNext = 0;
        _readyCount = 0;
        _readyCount = Selector.Select(_ready, wait == Deadline.Infinite ? null : TimeSpan.FromTicks(wait));
        MoveThreadSafeCallbacks();
        _soonLeft = _soon.Count;
        _turnTime = Stopwatch.GetTimestamp();
        _turnSequence = _timerSequence;
        _inTurn = true;
    }

    /// <summary>How long the next wait may last, in <see cref="TimeSpan"/> ticks; <see cref="Deadline.Infinite"/> for as long as it takes.</summary>
    private long WaitTicks(long now, long maxWait)
    {
        if (_soon.Count > 0 || _stopping)
        {
            return 0;
        }

        long wait = _timers.TryPeek(out _, out var order) ? Deadline.TicksUntil(order.Deadline, now) : Deadline.Infinite;
        return maxWait >= 0 && (wait < 0 || maxWait < wait) ? maxWait : wait;
    }

    private void MoveThreadSafeCallbacks()
    {
        lock (_threadSafe)
        {
            while (_threadSafe.TryDequeue(out Action? callback))
            {
                _soon.Enqueue(callback);
            }
        }
    }

    /// <summary>Takes cancelled timers off the top of the heap (so the wait is not cut short by them), and purges the
    /// heap of them when they are most of it (so a crawler cancelling every timeout does not grow it without bound).</summary>
    private void DropCancelledTimers()
    {
        if (_cancelledTimers > MinCancelledToPurge && 2 * _cancelledTimers > _timers.Count)
        {
            var live = new List<(TimerHandle, (long, long))>(_timers.Count - _cancelledTimers);
            foreach ((TimerHandle timer, (long, long) order) in _timers.UnorderedItems)
            {
                if (!timer.IsCancelled)
                {
                    live.Add((timer, order));
                }
            }

            _timers.Clear();
            _timers.EnqueueRange(live);
            _cancelledTimers = 0;
        }

        while (_timers.TryPeek(out TimerHandle? timer, out _) && timer.IsCancelled)
        {
            _timers.Dequeue();
            _cancelledTimers--;
        }
    }

    private static InvalidOperationException NotACallback(SelectorKey key) => new(
        $"The key of {key.FileObject} (FD {key.Fd}) was reported ready, but its data is "
        + (key.Data is null ? "null" : $"a {key.Data.GetType()}")
        + ", not an Action<SelectorKey, SelectorEvents>: a SelectorLoop calls the callback in each key's data.");
}
