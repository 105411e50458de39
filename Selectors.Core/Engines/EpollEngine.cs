using System;
using Mono.Unix;
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

    /// <summary>The epoll descriptor.</summary>
    internal int Fileno() => _epoll.Fileno();

    internal override void Add(int fd, object fileObject, SelectorEvents events, uint generation)
    {
        _epoll.Register(fd, (EpollEvents)ToPollBits(events, ReadBit, WriteBit), Tag(fd, generation));
        _registered++;
    }

    internal override void Modify(int fd, SelectorEvents events, uint generation) =>
        _epoll.Modify(fd, (EpollEvents)ToPollBits(events, ReadBit, WriteBit), Tag(fd, generation));

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

    internal override int Wait(int timeoutUnits)
    {
        // Room for every registration and the waker, as CPython sizes maxevents, so one call reports everything ready.
        int capacity = _registered + 1;
        EnsureCapacity(ref _events, capacity);
        ReadyDescriptor[] ready = ReadyBuffer(capacity);
        int count = _epoll.Wait(_events.AsSpan(0, capacity), timeoutUnits);
        int filled = 0;
        Woken = false;
        for (int i = 0; i < count; i++)
        {
            ulong data = _events[i].Data;
            if (data == WakerData)
            {
                Consume(_waker);
                continue;
            }

            ready[filled++] = new ReadyDescriptor((int)(uint)data, FromPollBits((uint)_events[i].Events, ReadBit, WriteBit), (uint)(data >> 32));
        }

        return filled;
    }

    internal override void Wake() => _waker.Wake();

    public override void Dispose()
    {
        _epoll.Dispose();
        _waker.Dispose();
    }

    private static ulong Tag(int fd, uint generation) => ((ulong)generation << 32) | (uint)fd;
}
