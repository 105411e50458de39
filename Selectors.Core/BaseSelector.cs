using System;
using System.Collections.Generic;
using System.Diagnostics;
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
    public IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> Select(TimeSpan? timeout = null) => SelectCore(SelectTimeout.ToTicks(timeout));

    /// <inheritdoc />
    public IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> Select(double timeoutSeconds) => SelectCore(SelectTimeout.ToTicks(timeoutSeconds));

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

    private List<(SelectorKey Key, SelectorEvents Events)> SelectCore(long timeoutTicks)
    {
        ThrowIfClosed();
        var result = new List<(SelectorKey Key, SelectorEvents Events)>();
        long start = Stopwatch.GetTimestamp();
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
                return result; // the deadline passed in an earlier chunk
            }

            ReadOnlySpan<ReadyDescriptor> ready = _engine.Wait(units);
            foreach (ReadyDescriptor descriptor in ready)
            {
                // A descriptor with no key (a stale poll entry) is skipped; an entry never carries unrequested events.
                if (_keys.TryGetValue(descriptor.Fd, out SelectorKey? key) && (descriptor.Events & key.Events) is var events and not SelectorEvents.None)
                {
                    result.Add((key, events));
                }
            }

            // Waits longer than the backend accepts go in chunks; anything the OS reported ends the call, as in Python.
            if (!ready.IsEmpty || timeoutTicks == 0)
            {
                return result;
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
