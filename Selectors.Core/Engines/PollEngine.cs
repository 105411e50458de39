using System;
using Selectors.Poll;
using Selectors.Wakers;

namespace Selectors.Engines;

/// <summary>
/// The poll engine: the interest set is a <see cref="PollSet"/> kept between calls, so registering never fails in the
/// kernel, and a closed descriptor is reported ready through POLLNVAL. The kernel reads the set during the wait, so a
/// change from another thread goes through <see cref="WaitingChanges"/>. The waker's descriptor is one more entry.
/// When the caller's buffer is short, the next wait scans on from where this one stopped (<see cref="PollSet.Poll(Span{PollResult}, int)"/>).
/// </summary>
internal sealed class PollEngine : SelectorEngine
{
    private const uint ReadBit = (uint)PollEvents.In;
    private const uint WriteBit = (uint)PollEvents.Out;

    private readonly PollSet _pollSet = new();
    private readonly DescriptorWaker _waker;
    private readonly WaitingChanges _changes;
    private readonly RegistrationTable _registrations = new();
    private PollResult[] _results = new PollResult[2];

    internal PollEngine(DescriptorWaker? waker = null)
    {
        _waker = waker ?? DescriptorWaker.ForThisPlatform();
        _changes = new WaitingChanges(_waker);
        _pollSet.Register(_waker.Fd, PollEvents.In);
    }

    internal override SelectorBackend Kind => SelectorBackend.Poll;

    internal override Waker Waker => _waker;

    private protected override long TicksPerUnit => TimeSpan.TicksPerMillisecond;

    internal override void Register(Registration registration)
    {
        RequireLevelTriggered(registration.Trigger);
        _changes.BeginChange();
        try
        {
            _pollSet.Register(registration.Fd, Interest(registration.Key.Events));
            _registrations.Add(registration);
        }
        finally
        {
            _changes.EndChange();
        }
    }

    internal override void Modify(Registration registration, SelectorEvents events, SelectorTrigger trigger)
    {
        RequireLevelTriggered(trigger);
        _changes.BeginChange();
        try
        {
            _pollSet.Modify(registration.Fd, Interest(events));
        }
        finally
        {
            _changes.EndChange();
        }
    }

    internal override void Unregister(Registration registration)
    {
        _changes.BeginChange();
        try
        {
            Remove(registration);
        }
        finally
        {
            _changes.EndChange();
        }
    }

    // Called inside the wait, which no change can enter.
    private protected override void RemoveClosed(Registration registration) => Remove(registration);

    private protected override int WaitOnce(Span<(SelectorKey Key, SelectorEvents Events)> ready, int timeoutUnits, out bool wakerSeen)
    {
        EnsureCapacity(ref _results, ready.Length);
        wakerSeen = false;
        int filled = 0;
        _changes.EnterWait();
        try
        {
            int count = _pollSet.Poll(_results.AsSpan(0, ready.Length), timeoutUnits);
            for (int i = 0; i < count; i++)
            {
                int fd = _results[i].Fd;
                if (fd == _waker.Fd)
                {
                    _waker.Reset();
                    wakerSeen = true;
                }
                else if (_registrations.TryGet(fd, out Registration? registration))
                {
                    Report(registration, FromPollBits((ushort)_results[i].Events, ReadBit, WriteBit), ready, ref filled);
                }
            }
        }
        finally
        {
            _changes.ExitWait();
        }

        return filled;
    }

    public override void Dispose() => _waker.Dispose();

    private void Remove(Registration registration)
    {
        _pollSet.Unregister(registration.Fd);
        _registrations.Remove(registration);
    }

    private static PollEvents Interest(SelectorEvents events) => (PollEvents)ToPollBits(events, ReadBit, WriteBit);
}
