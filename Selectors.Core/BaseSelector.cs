using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using Selectors.Engines;

namespace Selectors;

/// <summary>
/// What every selector shares, as CPython's <c>_BaseSelectorImpl</c>: the key map, file-object resolution, validation,
/// timeouts, event masking and the rules for closed and reused descriptors. The backend adds only its interest set,
/// its wait and its waker.
/// </summary>
public abstract class BaseSelector : ISelector
{
    // Guards every field below and the engine's interest set. The wait itself runs outside it, so Close (and, on
    // epoll, registration) from another thread goes ahead while a Select blocks.
    private readonly object _gate = new();
    private readonly RegistrationTable _table = new();
    private readonly SelectorMapping _map;
    private readonly SelectorEngine _engine;
    private uint _lastGeneration;
    private bool _closed;
    private bool _selecting;
    private bool _waiting;
    private int _changesWaiting;
    private bool _wakeupRequested;
    private bool _wokenUp;

    // The part of the engine's last batch that a span Select could not hold: handed out by the next Select first.
    private int _pendingStart;
    private int _pendingCount;

    private protected BaseSelector(SelectorEngine engine)
    {
        _engine = engine;
        _map = new SelectorMapping(_table, _gate);
    }

    /// <inheritdoc />
    public SelectorBackend Backend => _engine.Kind;

    /// <summary>Whether <see cref="Close"/> was called.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>
    /// Whether the last <c>Select</c> returned because of <see cref="Wakeup"/>, which tells a wakeup from a timeout
    /// when it returned nothing. It may have returned ready keys as well. Read it on the selecting thread.
    /// </summary>
    public bool WokenUp => _wokenUp;

    internal SelectorEngine Engine => _engine;

    private interface IReadySink
    {
        int Count { get; }

        bool IsFull { get; }

        void Add(SelectorKey key, SelectorEvents events, int capacityHint);
    }

    /// <inheritdoc />
    public SelectorKey Register(object fileObject, SelectorEvents events, object? data = null) =>
        RegisterCore(fileObject, events, data, SelectorTrigger.Level);

    /// <inheritdoc />
    public SelectorKey Unregister(object fileObject)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            bool waited = AwaitWaitExit();
            try
            {
                Registration registration = Find(fileObject);
                Retire(registration);
                return registration.Key;
            }
            finally
            {
                EndChange(waited);
            }
        }
    }

    /// <inheritdoc />
    public SelectorKey Modify(object fileObject, SelectorEvents events, object? data = null) => ModifyCore(fileObject, events, data, null);

    /// <summary>Register with a trigger mode; what the public overloads of epoll-capable selectors call.</summary>
    private protected SelectorKey RegisterCore(object fileObject, SelectorEvents events, object? data, SelectorTrigger trigger)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            ValidateEvents(events);
            ValidateTrigger(trigger);
            bool waited = AwaitWaitExit();
            try
            {
                Registration? existing = _table.Find(fileObject, out int fd);
                if (existing is not null)
                {
                    throw new ArgumentException($"{fileObject} (FD {fd}) is already registered (as {existing.Key.FileObject}).", nameof(fileObject));
                }

                if (_table.TryGet(fd, out Registration? stale))
                {
                    // The number belonged to a registered object that was closed without Unregister and is now another
                    // file's: the old registration is dead, so it makes way (before the OS call, which would otherwise
                    // have to tell the two apart).
                    Retire(stale);
                }

                var registration = Registration.Create(new SelectorKey(fileObject, fd, events, data), NextGeneration(), trigger);
                try
                {
                    _engine.Add(fd, fileObject, events, registration.Generation, trigger);
                }
                catch
                {
                    registration.Release();
                    throw;
                }

                _table.Add(registration);
                return registration.Key;
            }
            finally
            {
                EndChange(waited);
            }
        }
    }

    /// <summary>Modify, optionally changing the trigger mode (null keeps it). A one-shot registration is re-armed every time.</summary>
    private protected SelectorKey ModifyCore(object fileObject, SelectorEvents events, object? data, SelectorTrigger? newTrigger)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            ValidateEvents(events);
            if (newTrigger is { } checkedTrigger)
            {
                ValidateTrigger(checkedTrigger);
            }

            bool waited = AwaitWaitExit();
            try
            {
                Registration registration = Find(fileObject);
                SelectorKey key = registration.Key;
                SelectorTrigger trigger = newTrigger ?? registration.Trigger;
                bool rearm = (trigger & SelectorTrigger.OneShot) != 0;
                if (events == key.Events && Equals(data, key.Data) && trigger == registration.Trigger && !rearm)
                {
                    return key;
                }

                if ((events != key.Events || trigger != registration.Trigger || rearm) && !registration.Defunct)
                {
                    uint generation = NextGeneration();
                    _engine.Modify(key.Fd, events, generation, trigger);
                    registration.Generation = generation;
                    registration.Trigger = trigger;
                }

                if (events != key.Events || !Equals(data, key.Data))
                {
                    registration.Key = key with { Events = events, Data = data };
                }

                return registration.Key;
            }
            finally
            {
                EndChange(waited);
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> Select(TimeSpan? timeout = null) => SelectList(Deadline.After(timeout));

    /// <inheritdoc />
    public IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> Select(double timeoutSeconds) => SelectList(Deadline.AfterSeconds(timeoutSeconds));

    /// <inheritdoc />
    public int Select(Span<(SelectorKey Key, SelectorEvents Events)> ready, TimeSpan? timeout = null) =>
        SelectInto(ready, Deadline.After(timeout));

    /// <inheritdoc />
    public int Select(Span<(SelectorKey Key, SelectorEvents Events)> ready, double timeoutSeconds) =>
        SelectInto(ready, Deadline.AfterSeconds(timeoutSeconds));

    /// <inheritdoc />
    public SelectorKey GetKey(object fileObject)
    {
        lock (_gate)
        {
            return Find(fileObject).Key;
        }
    }

    /// <inheritdoc cref="ISelector.GetMap" />
    public SelectorMapping GetMap()
    {
        ThrowIfClosed();
        return _map;
    }

    IReadOnlyDictionary<int, SelectorKey> ISelector.GetMap() => GetMap();

    /// <summary>
    /// Forgets every registration and releases the OS resources; the file objects stay open. Idempotent and thread-safe:
    /// a Select blocked on another thread returns at once (with nothing), and this call returns after it has.
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            Volatile.Write(ref _closed, true);
            if (_selecting)
            {
                // The selecting thread owns the engine's buffers until it leaves the wait; it finishes the close.
                _engine.Wake();
                Monitor.PulseAll(_gate);
                while (_selecting)
                {
                    Monitor.Wait(_gate);
                }

                return;
            }

            FinishClose();
        }
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    /// <inheritdoc />
    public void Wakeup()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _wakeupRequested = true;
            _engine.Wake();
        }
    }

    private List<(SelectorKey Key, SelectorEvents Events)> SelectList(Deadline deadline)
    {
        var sink = new ListSink();
        Collect(ref sink, deadline);
        return sink.List ?? new List<(SelectorKey Key, SelectorEvents Events)>(0);
    }

    private int SelectInto(Span<(SelectorKey Key, SelectorEvents Events)> buffer, Deadline deadline)
    {
        if (buffer.IsEmpty)
        {
            throw new ArgumentException("The buffer must hold at least one entry.", "ready");
        }

        var sink = new SpanSink(buffer);
        return Collect(ref sink, deadline);
    }

    /// <summary>
    /// Hands out what is left of the last batch, or waits until the OS reports something the caller asked for, a
    /// wakeup, or <paramref name="deadline"/>; returns how many entries went into <paramref name="sink"/>.
    /// </summary>
    private int Collect<TSink>(ref TSink sink, Deadline deadline)
        where TSink : IReadySink, allows ref struct
    {
        lock (_gate)
        {
            ThrowIfClosed();
            if (_selecting)
            {
                throw new InvalidOperationException("Concurrent Select calls on one selector are not allowed: another thread is already selecting.");
            }

            _wokenUp = false;
            if (_pendingCount > 0 && Deliver(ref sink) > 0)
            {
                return sink.Count;
            }

            if (_wakeupRequested)
            {
                // A wakeup that came before this call: report it, with whatever is ready now, without blocking.
                deadline = Deadline.AfterTicks(0);
            }

            _selecting = true;
            _waiting = true;
        }

        bool ended = false;
        try
        {
            int units = deadline.TimeoutUnits(_engine.TicksPerUnit);
            while (true)
            {
                // Waits longer than the backend accepts go in chunks; the deadline may have passed in an earlier one.
                bool expired = units == 0 && deadline.TimeoutTicks > 0;
                int count = expired ? 0 : _engine.Wait(units);
                lock (_gate)
                {
                    _waiting = false;
                    _pendingStart = 0;
                    _pendingCount = count;
                    if (_wakeupRequested)
                    {
                        _wakeupRequested = false;
                        _wokenUp = true;
                    }

                    bool done = _closed || expired;
                    if (done || Deliver(ref sink) > 0 || deadline.TimeoutTicks == 0 || _wokenUp)
                    {
                        EndSelect();
                        ended = true;
                        return _closed ? 0 : sink.Count;
                    }

                    // Nothing for any key (a stale registration, or the waker woken for a change or a close): let the
                    // waiting changes in, then wait out the rest of the timeout with them.
                    while (_changesWaiting > 0 && !_closed)
                    {
                        Monitor.PulseAll(_gate);
                        Monitor.Wait(_gate);
                    }

                    if (_closed)
                    {
                        EndSelect();
                        ended = true;
                        return 0;
                    }

                    _waiting = true;
                }

                units = deadline.RemainingUnits(_engine.TicksPerUnit);
            }
        }
        finally
        {
            if (!ended)
            {
                lock (_gate)
                {
                    EndSelect();
                }
            }
        }
    }

    /// <summary>Ends a Select (under the gate): lets waiting changes and a waiting Close go ahead; finishes that Close.</summary>
    private void EndSelect()
    {
        _waiting = false;
        _selecting = false;
        if (_changesWaiting > 0 || _closed)
        {
            Monitor.PulseAll(_gate);
        }

        if (_closed)
        {
            FinishClose();
        }
    }

    /// <summary>
    /// Called under the gate before a change to the interest set. Epoll's is the kernel's, safe to change while another
    /// thread waits, and the change takes effect in that wait. Poll and select read theirs inside the wait, so the
    /// change waits for the selecting thread to leave it (woken for the purpose), and that thread, finding nothing
    /// ready, waits again with the change once every waiting change is done (mio's poll(2) backend, Java's updateKeys).
    /// </summary>
    /// <returns>Whether the caller waited and must call <see cref="EndChange"/>.</returns>
    private bool AwaitWaitExit()
    {
        if (!_waiting || _engine.ChangesWhileWaiting)
        {
            return false;
        }

        _changesWaiting++;
        _engine.Wake();
        while (_waiting)
        {
            Monitor.Wait(_gate);
        }

        if (_closed)
        {
            EndChange(true);
            ThrowIfClosed();
        }

        return true;
    }

    /// <summary>After a change that waited: when it was the last one, lets the selecting thread wait again.</summary>
    private void EndChange(bool waited)
    {
        if (waited && --_changesWaiting == 0)
        {
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Moves the pending part of the batch into <paramref name="sink"/> until it is full; what does not fit stays
    /// pending, stamped with its registration's generation so a later change of the key drops it.
    /// </summary>
    private int Deliver<TSink>(ref TSink sink)
        where TSink : IReadySink, allows ref struct
    {
        Span<ReadyDescriptor> batch = _engine.Ready(_pendingStart, _pendingCount);
        int consumed = 0;
        while (consumed < batch.Length && !sink.IsFull)
        {
            ref ReadyDescriptor descriptor = ref batch[consumed++];
            if (TryMatch(descriptor, out SelectorKey? key, out SelectorEvents events))
            {
                sink.Add(key, events, batch.Length);
            }
        }

        if (consumed < batch.Length && !_engine.TagsEvents)
        {
            foreach (ref ReadyDescriptor left in batch[consumed..])
            {
                left.Generation = left.Generation != 0 ? left.Generation
                    : _table.TryGet(left.Fd, out Registration? registration) ? registration.Generation : Registration.NoGeneration;
            }
        }

        _pendingStart += consumed;
        _pendingCount -= consumed;
        return sink.Count;
    }

    /// <summary>
    /// The key of a ready descriptor and its events masked by the key's interest; false for an event of no current
    /// registration (a descriptor never or no longer registered, an older registration of its number, a key modified
    /// since), of a file object closed while registered, or with none of the asked-for events.
    /// </summary>
    private bool TryMatch(in ReadyDescriptor descriptor, [NotNullWhen(true)] out SelectorKey? key, out SelectorEvents events)
    {
        key = null;
        events = SelectorEvents.None;
        if (!_table.TryGet(descriptor.Fd, out Registration? registration) || registration.Defunct
            || (descriptor.Generation != 0 && descriptor.Generation != registration.Generation))
        {
            return false;
        }

        if (registration.FileObjectClosed)
        {
            // Closed without Unregister: leave the OS interest set now (a closed descriptor would be reported on every
            // wait), let go of the handle, and keep the key until Unregister finds it by reference.
            _engine.Remove(registration.Fd);
            registration.Defunct = true;
            registration.Release();
            return false;
        }

        key = registration.Key;
        events = descriptor.Events & key.Events;
        return events != SelectorEvents.None;
    }

    /// <summary>Removes a registration from the OS interest set (unless already out) and the map, and lets go of its handle.</summary>
    private void Retire(Registration registration)
    {
        if (!registration.Defunct)
        {
            _engine.Remove(registration.Fd);
        }

        _table.Remove(registration);
        registration.Release();
    }

    private void FinishClose()
    {
        foreach (Registration registration in _table)
        {
            registration.Release();
        }

        _table.Clear();
        _pendingCount = 0;
        _engine.Dispose();
    }

    /// <summary>The next generation: never 0 (an untagged event) nor <see cref="Registration.NoGeneration"/>.</summary>
    private uint NextGeneration()
    {
        do
        {
            _lastGeneration++;
        }
        while (_lastGeneration is 0 or Registration.NoGeneration);

        return _lastGeneration;
    }

    private Registration Find(object fileObject)
    {
        ThrowIfClosed();
        return _table.Find(fileObject, out _) ?? throw new KeyNotFoundException($"{fileObject} is not registered");
    }

    private void ValidateTrigger(SelectorTrigger trigger)
    {
        if ((trigger & ~(SelectorTrigger.Edge | SelectorTrigger.OneShot)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(trigger), trigger, $"Invalid trigger: {(int)trigger}; use Level, Edge, OneShot or Edge | OneShot.");
        }

        if (trigger != SelectorTrigger.Level && !_engine.SupportsTriggers)
        {
            throw new NotSupportedException($"Edge-triggered and one-shot registration need epoll; this selector uses {_engine.Kind}.");
        }
    }

    private static void ValidateEvents(SelectorEvents events)
    {
        if (events == SelectorEvents.None || (events & ~(SelectorEvents.Read | SelectorEvents.Write)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(events), events, $"Invalid events: {(int)events}; use Read, Write or both.");
        }
    }

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_closed, this);

    /// <summary>Collects into a new list, sized to the batch on the first entry, so a timeout allocates no more than an empty list.</summary>
    private struct ListSink : IReadySink
    {
        internal List<(SelectorKey Key, SelectorEvents Events)>? List;

        public readonly bool IsFull => false;

        public readonly int Count => List?.Count ?? 0;

        public void Add(SelectorKey key, SelectorEvents events, int capacityHint) =>
            (List ??= new List<(SelectorKey Key, SelectorEvents Events)>(capacityHint)).Add((key, events));
    }

    /// <summary>Collects into the caller's buffer.</summary>
    private ref struct SpanSink(Span<(SelectorKey Key, SelectorEvents Events)> buffer) : IReadySink
    {
        private readonly Span<(SelectorKey Key, SelectorEvents Events)> _buffer = buffer;

        public int Count { get; private set; }

        public readonly bool IsFull => Count == _buffer.Length;

        public void Add(SelectorKey key, SelectorEvents events, int capacityHint) => _buffer[Count++] = (key, events);
    }
}
