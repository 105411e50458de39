using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Selectors.Engines;

namespace Selectors;

/// <summary>
/// What every selector shares, as CPython's <c>_BaseSelectorImpl</c>: the key map, file-object resolution, validation,
/// timeouts and event masking. The backend adds only its interest set and its wait.
/// </summary>
public abstract class BaseSelector : ISelector
{
    private readonly Dictionary<int, SelectorKey> _keys = new();
    private readonly SelectorMapping _map;
    private readonly SelectorEngine _engine;
    private bool _closed;

    private protected BaseSelector(SelectorEngine engine)
    {
        _engine = engine;
        _map = new SelectorMapping(_keys);
    }

    /// <summary>The OS mechanism this selector uses.</summary>
    public SelectorBackend Backend => _engine.Kind;

    /// <summary>Whether <see cref="Close"/> was called.</summary>
    public bool IsClosed => _closed;

    private protected SelectorEngine Engine => _engine;

    /// <inheritdoc />
    public SelectorKey Register(object fileObject, SelectorEvents events, object? data = null)
    {
        ThrowIfClosed();
        ValidateEvents(events);
        int fd = FileObjects.Lookup(fileObject, _keys);
        if (_keys.TryGetValue(fd, out SelectorKey? existing))
        {
            throw new ArgumentException($"{fileObject} (FD {fd}) is already registered (as {existing.FileObject}).", nameof(fileObject));
        }

        _engine.Add(fd, fileObject, events);
        var key = new SelectorKey(fileObject, fd, events, data);
        _keys.Add(fd, key);
        return key;
    }

    /// <inheritdoc />
    public SelectorKey Unregister(object fileObject)
    {
        SelectorKey key = Find(fileObject);
        _engine.Remove(key.Fd);
        _keys.Remove(key.Fd);
        return key;
    }

    /// <inheritdoc />
    public SelectorKey Modify(object fileObject, SelectorEvents events, object? data = null)
    {
        ThrowIfClosed();
        ValidateEvents(events);
        SelectorKey key = Find(fileObject);
        if (events == key.Events && Equals(data, key.Data))
        {
            return key;
        }

        if (events != key.Events)
        {
            _engine.Modify(key.Fd, events);
        }

        SelectorKey modified = key with { Events = events, Data = data };
        _keys[key.Fd] = modified;
        return modified;
    }

    /// <inheritdoc />
    public IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> Select(TimeSpan? timeout = null) => SelectList(SelectTimeout.ToTicks(timeout));

    /// <inheritdoc />
    public IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> Select(double timeoutSeconds) => SelectList(SelectTimeout.ToTicks(timeoutSeconds));

    /// <summary>
    /// The zero-allocation select: waits as <see cref="Select(TimeSpan?)"/> does, then writes the ready keys into
    /// <paramref name="ready"/> instead of a new list. Nothing is allocated per call in steady state.
    /// </summary>
    /// <param name="ready">Where the (key, events) entries go. When more are ready than it holds, the rest are reported
    /// by the next call (readiness is level-triggered), so a buffer smaller than the registrations loses nothing.</param>
    /// <param name="timeout">As in <see cref="Select(TimeSpan?)"/>.</param>
    /// <returns>How many entries of <paramref name="ready"/> were filled; 0 on timeout.</returns>
    /// <exception cref="ArgumentException"><paramref name="ready"/> is empty.</exception>
    /// <exception cref="Mono.Unix.UnixIOException">The wait failed (epoll, poll).</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The wait failed (select).</exception>
    /// <exception cref="ObjectDisposedException">The selector is closed, or (select) a registered socket was disposed.</exception>
    public int Select(Span<(SelectorKey Key, SelectorEvents Events)> ready, TimeSpan? timeout = null) =>
        SelectInto(ready, SelectTimeout.ToTicks(timeout));

    /// <summary>The zero-allocation select with the timeout in seconds, as <see cref="Select(double)"/>.</summary>
    /// <param name="ready">Where the (key, events) entries go.</param>
    /// <param name="timeoutSeconds">As in <see cref="Select(double)"/>.</param>
    /// <returns>How many entries of <paramref name="ready"/> were filled; 0 on timeout.</returns>
    /// <exception cref="ArgumentException"><paramref name="ready"/> is empty, or <paramref name="timeoutSeconds"/> is NaN.</exception>
    public int Select(Span<(SelectorKey Key, SelectorEvents Events)> ready, double timeoutSeconds) =>
        SelectInto(ready, SelectTimeout.ToTicks(timeoutSeconds));

    /// <inheritdoc />
    public SelectorKey GetKey(object fileObject) => Find(fileObject);

    /// <inheritdoc cref="ISelector.GetMap" />
    public SelectorMapping GetMap()
    {
        ThrowIfClosed();
        return _map;
    }

    IReadOnlyDictionary<int, SelectorKey> ISelector.GetMap() => GetMap();

    /// <inheritdoc />
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _keys.Clear();
        _engine.Dispose();
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    private List<(SelectorKey Key, SelectorEvents Events)> SelectList(long timeoutTicks)
    {
        ReadOnlySpan<ReadyDescriptor> ready = Wait(timeoutTicks);
        var result = new List<(SelectorKey Key, SelectorEvents Events)>(ready.Length);
        foreach (ReadyDescriptor descriptor in ready)
        {
            if (TryMatch(descriptor, out SelectorKey? key, out SelectorEvents events))
            {
                result.Add((key, events));
            }
        }

        return result;
    }

    private int SelectInto(Span<(SelectorKey Key, SelectorEvents Events)> buffer, long timeoutTicks)
    {
        if (buffer.IsEmpty)
        {
            throw new ArgumentException("The buffer must hold at least one entry.", "ready");
        }

        int count = 0;
        foreach (ReadyDescriptor descriptor in Wait(timeoutTicks))
        {
            if (TryMatch(descriptor, out SelectorKey? key, out SelectorEvents events))
            {
                buffer[count++] = (key, events);
                if (count == buffer.Length)
                {
                    break;
                }
            }
        }

        return count;
    }

    /// <summary>
    /// The key of a ready descriptor and its events masked by the key's interest; false for a descriptor with no key (a
    /// stale poll entry) or with none of the asked-for events, so an entry never carries unrequested or no events.
    /// </summary>
    private bool TryMatch(ReadyDescriptor descriptor, [NotNullWhen(true)] out SelectorKey? key, out SelectorEvents events)
    {
        events = _keys.TryGetValue(descriptor.Fd, out key) ? descriptor.Events & key.Events : SelectorEvents.None;
        return events != SelectorEvents.None;
    }

    /// <summary>Waits until the OS reports something or the timeout passes; -1 ticks waits forever, 0 polls.</summary>
    private ReadOnlySpan<ReadyDescriptor> Wait(long timeoutTicks)
    {
        ThrowIfClosed();
        long start = timeoutTicks > 0 ? Stopwatch.GetTimestamp() : 0;
        long elapsed = 0;
        while (true)
        {
            int units = timeoutTicks switch
            {
                SelectTimeout.Infinite => -1,
                0 => 0,
                _ => SelectTimeout.RemainingUnits(timeoutTicks, elapsed, _engine.TicksPerUnit),
            };

            if (units == 0 && timeoutTicks > 0)
            {
                return ReadOnlySpan<ReadyDescriptor>.Empty; // the deadline passed in an earlier chunk
            }

            // Waits longer than the backend accepts go in chunks; anything the OS reported ends the call, as in Python.
            ReadOnlySpan<ReadyDescriptor> ready = _engine.Wait(units);
            if (!ready.IsEmpty || timeoutTicks == 0)
            {
                return ready;
            }

            elapsed = Stopwatch.GetElapsedTime(start).Ticks;
        }
    }

    private SelectorKey Find(object fileObject)
    {
        ThrowIfClosed();
        int fd = FileObjects.Lookup(fileObject, _keys);
        return _keys.TryGetValue(fd, out SelectorKey? key) ? key : throw new KeyNotFoundException($"{fileObject} is not registered");
    }

    private static void ValidateEvents(SelectorEvents events)
    {
        if (events == SelectorEvents.None || (events & ~(SelectorEvents.Read | SelectorEvents.Write)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(events), events, $"Invalid events: {(int)events}; use Read, Write or both.");
        }
    }

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_closed, this);
}
