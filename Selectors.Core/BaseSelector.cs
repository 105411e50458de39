using System;
using System.Collections.Generic;
using System.Threading;
using Selectors.Engines;

namespace Selectors;

/// <summary>
/// What every selector shares, as CPython's <c>_BaseSelectorImpl</c>: the key map, file-object resolution, validation
/// and close. The backend's engine keeps its interest set, waits and wakes; how a change made while another thread
/// waits takes effect is the engine's business (docs/design.md).
/// </summary>
public abstract class BaseSelector : ISelector
{
    // _state: Open, Selecting (a thread is inside the engine), Closed, or ClosedWhileSelecting (that thread closes it).
    private const int Open = 0, Selecting = 1, Closed = 2, ClosedWhileSelecting = 3;

    private readonly RegistrationTable _table = new();
    private readonly SelectorMapping _map;
    private int _state;
    private bool _wokenUp;

    // The list Select's buffer: room for every registration and the waker; cleared after each call.
    private (SelectorKey Key, SelectorEvents Events)[] _listBuffer = new (SelectorKey, SelectorEvents)[1];

    private protected BaseSelector(SelectorEngine engine)
    {
        Engine = engine;
        _map = new SelectorMapping(_table, Gate);
    }

    /// <inheritdoc />
    public SelectorBackend Backend => Engine.Kind;

    /// <summary>Whether <see cref="Close"/> was called.</summary>
    public bool IsClosed => Volatile.Read(ref _state) >= Closed;

    /// <summary>
    /// Whether the last <c>Select</c> returned because of <see cref="Wakeup"/>, which tells a wakeup from a timeout
    /// when it returned nothing. It may have returned ready keys as well. Read it on the selecting thread.
    /// </summary>
    public bool WokenUp => _wokenUp;

    internal SelectorEngine Engine { get; }

    // Serialises the changes, the map and Close; Select does not take it.
    private object Gate => Engine.ChangeLock;

    /// <inheritdoc />
    public SelectorKey Register(object fileObject, SelectorEvents events, object? data = null) =>
        RegisterCore(fileObject, events, data, SelectorTrigger.Level);

    /// <inheritdoc />
    public SelectorKey Modify(object fileObject, SelectorEvents events, object? data = null) => ModifyCore(fileObject, events, data, null);

    /// <inheritdoc />
    public SelectorKey Unregister(object fileObject)
    {
        lock (Gate)
        {
            Registration registration = Find(fileObject);
            Retire(registration);
            return registration.Key;
        }
    }

    /// <summary>Register with a trigger mode; what the public overloads of epoll-capable selectors call.</summary>
    private protected SelectorKey RegisterCore(object fileObject, SelectorEvents events, object? data, SelectorTrigger trigger)
    {
        lock (Gate)
        {
            ThrowIfClosed();
            Validate(events, trigger);
            Registration? existing = _table.Find(fileObject, out int fd);
            if (existing is not null)
            {
                throw new ArgumentException($"{fileObject} (FD {fd}) is already registered (as {existing.Key.FileObject}).", nameof(fileObject));
            }

            if (_table.TryGet(fd, out Registration? stale))
            {
                // The number's registered object was closed without Unregister and the number is now another file's:
                // the dead registration makes way, before the OS call, which would otherwise have to tell the two apart.
                Retire(stale);
            }

            var registration = Registration.Create(new SelectorKey(fileObject, fd, events, data), trigger);
            try
            {
                Engine.Register(registration);
            }
            catch
            {
                registration.Release();
                throw;
            }

            _table.Add(registration);
            return registration.Key;
        }
    }

    /// <summary>Modify, optionally changing the trigger mode (null keeps it). A one-shot registration is re-armed every time.</summary>
    private protected SelectorKey ModifyCore(object fileObject, SelectorEvents events, object? data, SelectorTrigger? newTrigger)
    {
        lock (Gate)
        {
            ThrowIfClosed();
            Validate(events, newTrigger ?? SelectorTrigger.Level);
            Registration registration = Find(fileObject);
            SelectorKey key = registration.Key;
            SelectorTrigger trigger = newTrigger ?? registration.Trigger;
            bool interestChanges = events != key.Events || trigger != registration.Trigger || (trigger & SelectorTrigger.OneShot) != 0;
            if (interestChanges && !registration.LeftInterestSet)
            {
                Engine.Modify(registration, events, trigger);
                registration.Trigger = trigger;
            }

            if (events != key.Events || !Equals(data, key.Data))
            {
                registration.Key = key with { Events = events, Data = data };
            }

            return registration.Key;
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
        lock (Gate)
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
        lock (Gate)
        {
            if (Interlocked.CompareExchange(ref _state, Closed, Open) == Open)
            {
                FinishClose();
            }
            else if (Interlocked.CompareExchange(ref _state, ClosedWhileSelecting, Selecting) == Selecting)
            {
                // The selecting thread is inside the engine: it finishes the close when it leaves.
                Engine.Wakeup();
                while (_state != Closed)
                {
                    Monitor.Wait(Gate);
                }
            }
        }
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    /// <inheritdoc />
    public void Wakeup()
    {
        if (!IsClosed)
        {
            Engine.Wakeup();
        }
    }

    private ReadyList SelectList(Deadline deadline)
    {
        if (_listBuffer.Length <= _table.Count)
        {
            _listBuffer = new (SelectorKey, SelectorEvents)[Math.Max(_table.Count + 1, _listBuffer.Length * 2)];
        }

        Span<(SelectorKey Key, SelectorEvents Events)> ready = _listBuffer.AsSpan(0, SelectCore(_listBuffer, deadline));
        var list = new ReadyList(ready);
        ready.Clear();
        return list;
    }

    private int SelectInto(Span<(SelectorKey Key, SelectorEvents Events)> ready, Deadline deadline)
    {
        if (ready.IsEmpty)
        {
            throw new ArgumentException("The buffer must hold at least one entry.", nameof(ready));
        }

        return SelectCore(ready, deadline);
    }

    /// <summary>
    /// Claims the selector without a lock (Close and changes don't wait for it), waits in the engine, and gives the
    /// selector back; if Close came meanwhile, finishes the close and reports nothing.
    /// </summary>
    private int SelectCore(Span<(SelectorKey Key, SelectorEvents Events)> ready, Deadline deadline)
    {
        if (Interlocked.CompareExchange(ref _state, Selecting, Open) != Open)
        {
            ThrowIfClosed();
            throw new InvalidOperationException("Concurrent Select calls on one selector are not allowed: another thread is already selecting.");
        }

        int filled = 0;
        try
        {
            filled = Engine.Wait(ready, deadline, out _wokenUp);
        }
        finally
        {
            if (Interlocked.CompareExchange(ref _state, Open, Selecting) != Selecting)
            {
                lock (Gate)
                {
                    FinishClose();
                    _state = Closed;
                    Monitor.PulseAll(Gate);
                }

                ready[..filled].Clear();
                filled = 0;
            }
        }

        return filled;
    }

    /// <summary>Removes a registration from the OS interest set (unless already out) and the map, and lets go of its handle.</summary>
    private void Retire(Registration registration)
    {
        if (registration.TryLeaveInterestSet())
        {
            Engine.Unregister(registration);
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
        Engine.Dispose();
    }

    private Registration Find(object fileObject)
    {
        ThrowIfClosed();
        return _table.Find(fileObject, out _) ?? throw new KeyNotFoundException($"{fileObject} is not registered");
    }

    private static void Validate(SelectorEvents events, SelectorTrigger trigger)
    {
        if (events == SelectorEvents.None || (events & ~(SelectorEvents.Read | SelectorEvents.Write)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(events), events, $"Invalid events: {(int)events}; use Read, Write or both.");
        }

        if ((trigger & ~(SelectorTrigger.Edge | SelectorTrigger.OneShot)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(trigger), trigger, $"Invalid trigger: {(int)trigger}; use Level, Edge, OneShot or Edge | OneShot.");
        }
    }

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(IsClosed, this);
}
