using System;
using Selectors.Epoll;
using Selectors.Wakers;

namespace Selectors.Engines;

/// <summary>
/// The epoll engine. The interest set is the kernel's, which is safe to change while another thread waits, so changes
/// go straight to <c>epoll_ctl</c> and the wait takes no lock. Each event's <c>data</c> names its registration's slot and
/// that slot's generation, so a
/// kernel registration that outlived its number (epoll watches open files, and a <c>dup</c> keeps the file open) is
/// recognised as stale, never taken for the registration that now holds the number (<see cref="RegistrationSlots"/>). Events that do not fit the
/// caller's buffer stay in the kernel, which hands them out first next time (its ready list is round-robin).
/// </summary>
internal sealed class EpollEngine : SelectorEngine
{
    private const uint ReadBit = (uint)EpollEvents.In;
    private const uint WriteBit = (uint)EpollEvents.Out;

    private readonly EpollInstance _epoll = new();
    private readonly EventFdWaker _waker;
    private readonly RegistrationSlots _registrations = new();
    private EpollEvent[] _events = new EpollEvent[2];

    internal EpollEngine()
    {
        try
        {
            _waker = new EventFdWaker();
            _epoll.Register(_waker.Fd, EpollEvents.In, RegistrationSlots.WakerTag);
        }
        catch
        {
            _waker?.Dispose();
            _epoll.Dispose();
            throw;
        }
    }

    internal override SelectorBackend Kind => SelectorBackend.Epoll;

    internal override Waker Waker => _waker;

    private protected override long TicksPerUnit => TimeSpan.TicksPerMillisecond;

    /// <summary>The epoll descriptor.</summary>
    internal int Fileno() => _epoll.Fileno();

    internal override void Register(Registration registration)
    {
        // Published before the kernel can report it, so that no event (an edge-triggered one least of all) is missed.
        _registrations.Add(registration);
        try
        {
            _epoll.Register(registration.Fd, Interest(registration.Key.Events, registration.Trigger), registration.Tag);
        }
        catch
        {
            _registrations.Remove(registration);
            throw;
        }
    }

    internal override void Modify(Registration registration, SelectorEvents events, SelectorTrigger trigger) =>
        _epoll.Modify(registration.Fd, Interest(events, trigger), registration.Tag);

    internal override void Unregister(Registration registration)
    {
        try
        {
            _epoll.Unregister(registration.Fd);
        }
        catch (UnixSystemCallException)
        {
            // EBADF: the descriptor was closed, which already removed it; ENOENT: its number now names another file.
        }

        _registrations.Remove(registration);
    }

    private protected override void RemoveClosed(Registration registration) => UnregisterUnderChangeLock(registration);

    private protected override int WaitOnce(Span<(SelectorKey Key, SelectorEvents Events)> ready, int timeoutUnits, out bool wakerSeen)
    {
        EnsureCapacity(ref _events, ready.Length);
        int count = _epoll.Wait(_events.AsSpan(0, ready.Length), timeoutUnits);
        Registration?[] table = _registrations.Snapshot;
        int filled = 0;
        wakerSeen = false;
        for (int i = 0; i < count; i++)
        {
            ReportTagged(table, _events[i].Data, FromPollBits((uint)_events[i].Events, ReadBit, WriteBit), ready, ref filled, ref wakerSeen);
        }

        return filled;
    }

    public override void Dispose()
    {
        _epoll.Dispose();
        _waker.Dispose();
    }

    private static EpollEvents Interest(SelectorEvents events, SelectorTrigger trigger) =>
        (EpollEvents)ToPollBits(events, ReadBit, WriteBit)
        | ((trigger & SelectorTrigger.Edge) != 0 ? EpollEvents.EdgeTriggered : EpollEvents.None)
        | ((trigger & SelectorTrigger.OneShot) != 0 ? EpollEvents.OneShot : EpollEvents.None);
}
