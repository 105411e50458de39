using System;
using Selectors.Poll;
using Selectors.Wakers;

namespace Selectors.Engines;

/// <summary>
/// The poll engine: the interest set is a <see cref="PollSet"/> kept between calls, so registering never fails in the
/// kernel; a closed descriptor is reported ready through POLLNVAL. The waker's descriptor is one more entry.
/// </summary>
internal sealed class PollEngine : SelectorEngine
{
    private const uint ReadBit = (uint)PollEvents.In;
    private const uint WriteBit = (uint)PollEvents.Out;

    private readonly PollSet _pollSet = new();
    private readonly Waker _waker;
    private PollResult[] _results = new PollResult[2];

    internal PollEngine(Waker? waker = null)
    {
        _waker = waker ?? Waker.ForThisPlatform();
        _pollSet.Register(_waker.Fd, PollEvents.In);
    }

    internal override SelectorBackend Kind => SelectorBackend.Poll;

    internal override long TicksPerUnit => TimeSpan.TicksPerMillisecond;

    internal override void Add(int fd, object fileObject, SelectorEvents events, uint generation, SelectorTrigger trigger) => _pollSet.Register(fd, Interest(events));

    internal override void Modify(int fd, SelectorEvents events, uint generation, SelectorTrigger trigger) => _pollSet.Modify(fd, Interest(events));

    internal override void Remove(int fd) => _pollSet.Unregister(fd);

    internal override int Wait(int timeoutUnits)
    {
        int capacity = _pollSet.Count;
        EnsureCapacity(ref _results, capacity);
        ReadyDescriptor[] ready = ReadyBuffer(capacity);
        int count = _pollSet.Poll(_results.AsSpan(0, capacity), timeoutUnits);
        int filled = 0;
        for (int i = 0; i < count; i++)
        {
            if (_results[i].Fd == _waker.Fd)
            {
                _waker.Reset(); // consumed here; BaseSelector tells a Wakeup from its own wakes
                continue;
            }

            ready[filled++] = new ReadyDescriptor(_results[i].Fd, FromPollBits((ushort)_results[i].Events, ReadBit, WriteBit), 0);
        }

        return filled;
    }

    internal override Waker Waker => _waker;

    public override void Dispose() => _waker.Dispose();

    private static PollEvents Interest(SelectorEvents events) => (PollEvents)ToPollBits(events, ReadBit, WriteBit);
}
