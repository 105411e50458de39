using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Selectors.Afd;
using Selectors.Wakers;

namespace Selectors.Engines;

/// <summary>
/// The AFD engine, on an <see cref="AfdPollSet"/> (Windows): sockets only, as select, but a wait costs what is ready,
/// not what is registered. The set polls each socket through the AFD driver and makes the driver's one-shot polls
/// level-triggered; its changes take effect in a blocked wait by themselves, so, like epoll, this engine needs no
/// change-while-waiting protocol. Events carry the registration's tag (<see cref="RegistrationSlots"/>), and the waker
/// is a packet posted to the set's completion port.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class AfdEngine : SelectorEngine
{
    // Readable: data, end of stream, a connection to accept; writable: room to send. A reset or a failed connect is both,
    // as Python counts hang-up and error bits as both.
    private const AfdEvents ReadEvents = AfdEvents.Receive | AfdEvents.Disconnect | AfdEvents.Accept;
    private const AfdEvents WriteEvents = AfdEvents.Send;
    private const AfdEvents ErrorEvents = AfdEvents.Abort | AfdEvents.ConnectFail;

    private readonly AfdPollSet _pollSet = new();
    private readonly RegistrationSlots _registrations = new();
    private readonly CompletionPortWaker _waker;
    private AfdEvent[] _events = [];

    internal AfdEngine() => _waker = new CompletionPortWaker(_pollSet, RegistrationSlots.WakerTag);

    internal override SelectorBackend Kind => SelectorBackend.Afd;

    internal override Waker Waker => _waker;

    private protected override long TicksPerUnit => TimeSpan.TicksPerMillisecond;

    internal override void Register(Registration registration)
    {
        RequireLevelTriggered(registration.Trigger);

        // Published before the driver can report it.
        _registrations.Add(registration);
        try
        {
            _pollSet.Register(registration.Fd, Interest(registration.Key.Events), registration.Tag);
        }
        catch
        {
            _registrations.Remove(registration);
            throw;
        }
    }

    internal override void Modify(Registration registration, SelectorEvents events, SelectorTrigger trigger)
    {
        RequireLevelTriggered(trigger);
        try
        {
            _pollSet.Modify(registration.Fd, Interest(events), registration.Tag);
        }
        catch (KeyNotFoundException)
        {
            // The set forgot the socket when the driver saw it closed: what epoll's EBADF is for a closed descriptor.
            throw new SocketException((int)SocketError.NotSocket, $"Socket {registration.Fd} was closed while registered; unregister it.");
        }
    }

    internal override void Unregister(Registration registration)
    {
        try
        {
            _pollSet.Unregister(registration.Fd);
        }
        catch (KeyNotFoundException)
        {
            // The socket was closed, and the driver's LOCAL_CLOSE made the set forget it.
        }

        _registrations.Remove(registration);
    }

    private protected override void RemoveClosed(Registration registration) => UnregisterUnderChangeLock(registration);

    private protected override int WaitOnce(Span<(SelectorKey Key, SelectorEvents Events)> ready, int timeoutUnits, out bool wakerSeen)
    {
        EnsureCapacity(ref _events, ready.Length);
        int count = _pollSet.Wait(_events.AsSpan(0, ready.Length), timeoutUnits);
        Registration?[] table = _registrations.Snapshot;
        int filled = 0;
        wakerSeen = false;
        for (int i = 0; i < count; i++)
        {
            ReportTagged(table, _events[i].Data, Readiness(_events[i].Events), ready, ref filled, ref wakerSeen);
        }

        return filled;
    }

    public override void Dispose()
    {
        _waker.Dispose();
        _pollSet.Dispose();
    }

    private static AfdEvents Interest(SelectorEvents events) =>
        ErrorEvents
        | ((events & SelectorEvents.Read) != 0 ? ReadEvents : AfdEvents.None)
        | ((events & SelectorEvents.Write) != 0 ? WriteEvents : AfdEvents.None);

    private static SelectorEvents Readiness(AfdEvents events) =>
        ((events & (ReadEvents | ErrorEvents)) != 0 ? SelectorEvents.Read : SelectorEvents.None)
        | ((events & (WriteEvents | ErrorEvents)) != 0 ? SelectorEvents.Write : SelectorEvents.None);
}
