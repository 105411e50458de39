using System;
using Mono.Unix;
using Selectors.Epoll;

namespace Selectors.Engines;

/// <summary>The epoll engine: registrations live in the kernel; one wait returns every ready descriptor.</summary>
internal sealed class EpollEngine : SelectorEngine
{
    private const uint ReadBit = (uint)EpollEvents.In;
    private const uint WriteBit = (uint)EpollEvents.Out;

    private readonly EpollInstance _epoll = new();
    private EpollEvent[] _events = new EpollEvent[1];
    private ReadyDescriptor[] _ready = new ReadyDescriptor[1];
    private int _registered;

    internal override SelectorBackend Kind => SelectorBackend.Epoll;

    internal override long TicksPerUnit => TimeSpan.TicksPerMillisecond;

    /// <summary>The epoll descriptor.</summary>
    internal int Fileno() => _epoll.Fileno();

    internal override void Add(int fd, object fileObject, SelectorEvents events)
    {
        _epoll.Register(fd, (EpollEvents)ToPollBits(events, ReadBit, WriteBit));
        _registered++;
    }

    internal override void Modify(int fd, SelectorEvents events) => _epoll.Modify(fd, (EpollEvents)ToPollBits(events, ReadBit, WriteBit));

    internal override void Remove(int fd)
    {
        try
        {
            _epoll.Unregister(fd);
        }
        catch (UnixIOException)
        {
            // EBADF: the descriptor was closed, which already removed it; ENOENT: its number now names another file.
        }

        _registered--;
    }

    internal override ReadOnlySpan<ReadyDescriptor> Wait(int timeoutUnits)
    {
        // Room for every registration, as CPython sizes maxevents, so one call reports everything ready.
        int capacity = Math.Max(_registered, 1);
        EnsureCapacity(ref _events, capacity);
        EnsureCapacity(ref _ready, capacity);
        int count = _epoll.Wait(_events.AsSpan(0, capacity), timeoutUnits);
        for (int i = 0; i < count; i++)
        {
            _ready[i] = new ReadyDescriptor(_events[i].Fd, FromPollBits((uint)_events[i].Events, ReadBit, WriteBit));
        }

        return _ready.AsSpan(0, count);
    }

    public override void Dispose() => _epoll.Dispose();
}
