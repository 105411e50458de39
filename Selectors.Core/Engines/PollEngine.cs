using System;
using Selectors.Poll;

namespace Selectors.Engines;

/// <summary>
/// The poll engine: the interest set is a <see cref="PollSet"/> kept between calls, so registering never fails in the
/// kernel; a closed descriptor is reported ready through POLLNVAL.
/// </summary>
internal sealed class PollEngine : SelectorEngine
{
    private const uint ReadBit = (uint)PollEvents.In;
    private const uint WriteBit = (uint)PollEvents.Out;

    private readonly PollSet _pollSet = new();
    private PollResult[] _results = new PollResult[1];
    private ReadyDescriptor[] _ready = new ReadyDescriptor[1];

    internal override SelectorBackend Kind => SelectorBackend.Poll;

    internal override long TicksPerUnit => TimeSpan.TicksPerMillisecond;

    internal override void Add(int fd, object fileObject, SelectorEvents events) => _pollSet.Register(fd, Interest(events));

    internal override void Modify(int fd, SelectorEvents events) => _pollSet.Modify(fd, Interest(events));

    internal override void Remove(int fd) => _pollSet.Unregister(fd);

    internal override ReadOnlySpan<ReadyDescriptor> Wait(int timeoutUnits)
    {
        int capacity = Math.Max(_pollSet.Count, 1);
        EnsureCapacity(ref _results, capacity);
        EnsureCapacity(ref _ready, capacity);
        int count = _pollSet.Poll(_results.AsSpan(0, capacity), timeoutUnits);
        for (int i = 0; i < count; i++)
        {
            _ready[i] = new ReadyDescriptor(_results[i].Fd, FromPollBits((ushort)_results[i].Events, ReadBit, WriteBit));
        }

        return _ready.AsSpan(0, count);
    }

    public override void Dispose()
    {
        // A poll set owns no OS resource.
    }

    private static PollEvents Interest(SelectorEvents events) => (PollEvents)ToPollBits(events, ReadBit, WriteBit);
}
