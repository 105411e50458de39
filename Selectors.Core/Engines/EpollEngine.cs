using System;
using Selectors.Epoll;
using Selectors.Wakers;

namespace Selectors.Engines;

/// <summary>
/// The epoll engine: registrations live in the kernel; one wait returns every ready descriptor. Each registration's
/// <c>data</c> is its generation and descriptor, not the bare descriptor, so a kernel registration that outlived its
/// number (epoll watches open files, and a <c>dup</c> keeps the file open) is recognised as stale, never taken for the
/// registration that now holds the number.
/// </summary>
internal sealed class EpollEngine : SelectorEngine
{
    private const uint ReadBit = (uint)EpollEvents.In;
    private const uint WriteBit = (uint)EpollEvents.Out;

    /// <summary>The waker's data: generation and descriptor both all ones, which no registration uses.</summary>
    private const ulong WakerData = ulong.MaxValue;

    private readonly EpollInstance _epoll = new();
    private readonly EventFdWaker _waker;
    private EpollEvent[] _events = new EpollEvent[2];
    private int _registered;

    internal EpollEngine()
    {
        try
        {
            _waker = new EventFdWaker();
            _epoll.Register(_waker.Fd, EpollEvents.In, WakerData);
        }
        catch
        {
            _waker?.Dispose();
            _epoll.Dispose();
            throw;
        }
    }

    internal override SelectorBackend Kind => SelectorBackend.Epoll;

    internal override long TicksPerUnit => TimeSpan.TicksPerMillisecond;

    internal override bool TagsEvents => true;

    internal override bool ChangesWhileWaiting => true;

    internal override bool SupportsTriggers => true;

    /// <summary>The epoll descriptor.</summary>
    internal int Fileno() => _epoll.Fileno();

    internal override void Add(int fd, object fileObject, SelectorEvents events, uint generation, SelectorTrigger trigger)
    {
        _epoll.Register(fd, Interest(events, trigger), Tag(fd, generation));
        _registered++;
    }

    internal override void Modify(int fd, SelectorEvents events, uint generation, SelectorTrigger trigger) =>
        _epoll.Modify(fd, Interest(events, trigger), Tag(fd, generation));

    internal override void Remove(int fd)
    {
        try
        {
            _epoll.Unregister(fd);
        }
        catch (UnixSystemCallException)
        {
            // EBADF: the descriptor was closed, which already removed it; ENOENT: its number now names another file.
        }

        _registered--;
    }

    internal override int Wait(int timeoutUnits)
    {
        // Room for every registration and the waker, as CPython sizes maxevents, so one call reports everything ready.
        int capacity = _registered + 1;
        EnsureCapacity(ref _events, capacity);
        ReadyDescriptor[] ready = ReadyBuffer(capacity);
        int count = _epoll.Wait(_events.AsSpan(0, capacity), timeoutUnits);
        int filled = 0;
        for (int i = 0; i < count; i++)
        {
            ulong data = _events[i].Data;
            if (data == WakerData)
            {
                _waker.Reset(); // consumed here; BaseSelector tells a Wakeup from its own wakes
                continue;
            }

            ready[filled++] = new ReadyDescriptor((int)(uint)data, FromPollBits((uint)_events[i].Events, ReadBit, WriteBit), (uint)(data >> 32));
        }

        return filled;
    }

    internal override Waker Waker => _waker;

    public override void Dispose()
    {
        _epoll.Dispose();
        _waker.Dispose();
    }

    private static EpollEvents Interest(SelectorEvents events, SelectorTrigger trigger) =>
        (EpollEvents)ToPollBits(events, ReadBit, WriteBit)
        | ((trigger & SelectorTrigger.Edge) != 0 ? EpollEvents.EdgeTriggered : EpollEvents.None)
        | ((trigger & SelectorTrigger.OneShot) != 0 ? EpollEvents.OneShot : EpollEvents.None);

    private static ulong Tag(int fd, uint generation) => ((ulong)generation << 32) | (uint)fd;
}
