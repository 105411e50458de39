using System;
using System.Collections.Generic;
using System.Net.Sockets;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Backends;

/// <summary>Edge-triggered and one-shot registration (beyond Python): epoll only, opt-in; level stays the default.</summary>
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.WithTriggerModes))]
[Platform("Linux", Reason = "edge and one-shot triggers are epoll's, and DefaultSelector is epoll only on Linux")]
public class TriggerModeTests : SelectorFixture
{
    public TriggerModeTests(string backend)
        : base(backend)
    {
    }

    [Test]
    public void EdgeTriggered_ReportsEachNewArrivalOnce_AndNotWhatIsLeftUnread()
    {
        var (socket, peer) = Pair();
        SelectorKey key = Register(socket, SelectorEvents.Read, SelectorTrigger.Edge);
        peer.Send(new byte[] { 1, 2 });

        Selector.Select(1.0).Should().Equal(new[] { (key, SelectorEvents.Read) });
        socket.Receive(new byte[1]).Should().Be(1, "read only part: the draining rule is broken on purpose");
        Selector.Select(0.05).Should().BeEmpty("one byte is still unread, but no new edge came (level would report it)");

        peer.Send(new byte[] { 3 });
        Selector.Select(1.0).Should().Equal(new[] { (key, SelectorEvents.Read) }, "new data is a new edge");
        Drain(socket).Should().Be(2, "draining until WouldBlock gets both bytes");
        Selector.Select(0.05).Should().BeEmpty();
    }

    [Test]
    public void LevelTriggered_StaysTheDefault()
    {
        var (socket, peer) = Pair();
        SelectorKey key = Selector.Register(socket, SelectorEvents.Read);
        peer.Send(new byte[] { 1, 2 });
        socket.Receive(new byte[1]);

        Selector.Select(0.05).Should().Equal(new[] { (key, SelectorEvents.Read) }, "level reports what is left unread, as Python");
    }

    [Test]
    public void OneShot_ReportsOnce_UntilModifyReArmsIt()
    {
        var (socket, peer) = Pair();
        SelectorKey key = Register(socket, SelectorEvents.Read, SelectorTrigger.OneShot);
        peer.Send(new byte[] { 1 });

        Selector.Select(1.0).Should().Equal(new[] { (key, SelectorEvents.Read) });
        Selector.Select(0.05).Should().BeEmpty("disabled after one report, though still readable");
        peer.Send(new byte[] { 2 });
        Selector.Select(0.05).Should().BeEmpty("new data does not re-arm it either");

        Selector.Modify(socket, SelectorEvents.Read).Should().BeSameAs(key, "same events and data: same key, but the registration is re-armed");
        Selector.Select(1.0).Should().Equal(new[] { (key, SelectorEvents.Read) });
        Selector.Select(0.05).Should().BeEmpty();
    }

    [Test]
    public void EdgeAndOneShotCombine_AndModifyCanReturnToLevel()
    {
        var (socket, peer) = Pair();
        SelectorKey key = Register(socket, SelectorEvents.Read, SelectorTrigger.Edge | SelectorTrigger.OneShot);
        peer.Send(new byte[] { 1 });
        Selector.Select(1.0).Should().Equal(new[] { (key, SelectorEvents.Read) });
        Selector.Select(0.05).Should().BeEmpty();

        SelectorKey level = Modify(socket, SelectorEvents.Read, "level", SelectorTrigger.Level);
        Selector.Select(1.0).Should().Equal(new[] { (level, SelectorEvents.Read) });
        Selector.Select(1.0).Should().Equal(new[] { (level, SelectorEvents.Read) }, "level again: reported while readable");
    }

    [Test]
    public void EdgeTriggeredWrite_ReportsWritableOnceUntilTheBufferFillsAndDrains()
    {
        var (socket, peer) = Pair();
        socket.Blocking = false;
        SelectorKey key = Register(socket, SelectorEvents.Write, SelectorTrigger.Edge);
        Selector.Select(1.0).Should().Equal(new[] { (key, SelectorEvents.Write) });
        Selector.Select(0.05).Should().BeEmpty("still writable, but no new edge");

        var chunk = new byte[65536];
        while (socket.Send(chunk, 0, chunk.Length, SocketFlags.None, out SocketError error) > 0 && error == SocketError.Success)
        {
        }

        Selector.Select(0.05).Should().BeEmpty("the buffer is full");
        Drain(peer);
        Selector.Select(1.0).Should().Equal(new[] { (key, SelectorEvents.Write) }, "room again is a new edge");
    }

    [Test]
    public void UnknownTriggerBitsAreRefused_AndNothingIsStored()
    {
        var (socket, _) = Pair();
        this.Invoking(_ => Register(socket, SelectorEvents.Read, (SelectorTrigger)4)).Should().Throw<ArgumentOutOfRangeException>();
        Selector.GetMap().Should().BeEmpty();
    }

    private SelectorKey Register(Socket socket, SelectorEvents events, SelectorTrigger trigger) => Selector switch
    {
        EpollSelector epoll => epoll.Register(socket, events, null, trigger),
        DefaultSelector selector => selector.Register(socket, events, null, trigger),
        _ => throw new InvalidOperationException(),
    };

    private SelectorKey Modify(Socket socket, SelectorEvents events, object? data, SelectorTrigger trigger) => Selector switch
    {
        EpollSelector epoll => epoll.Modify(socket, events, data, trigger),
        DefaultSelector selector => selector.Modify(socket, events, data, trigger),
        _ => throw new InvalidOperationException(),
    };

    private static int Drain(Socket socket)
    {
        socket.Blocking = false;
        var buffer = new byte[65536];
        int total = 0;
        int read;
        while ((read = socket.Receive(buffer, 0, buffer.Length, SocketFlags.None, out SocketError error)) > 0 && error == SocketError.Success)
        {
            total += read;
        }

        return total;
    }

}

/// <summary>Backends without epoll refuse edge-triggered and one-shot registration instead of pretending.</summary>
public class TriggerModeRefusedTests
{
    [Test]
    public void DefaultSelectorOnPollOrSelect_RefusesEdgeAndOneShot_WithNotSupported()
    {
        foreach (SelectorBackend backend in new[] { SelectorBackend.Poll, SelectorBackend.Select })
        {
            using var selector = new DefaultSelector(backend);
            var (a, b) = Peers.SocketPair();
            using (a)
            using (b)
            {
                selector.Invoking(s => s.Register(a, SelectorEvents.Read, null, SelectorTrigger.Edge))
                    .Should().Throw<NotSupportedException>().WithMessage($"*epoll*{backend}*");
                selector.Invoking(s => s.Register(a, SelectorEvents.Read, null, SelectorTrigger.OneShot)).Should().Throw<NotSupportedException>();
                selector.GetMap().Should().BeEmpty("the refused call stored nothing");
                SelectorKey key = selector.Register(a, SelectorEvents.Read, null, SelectorTrigger.Level);
                selector.Invoking(s => s.Modify(a, SelectorEvents.Read, null, SelectorTrigger.Edge)).Should().Throw<NotSupportedException>();
                selector.GetKey(a).Should().BeSameAs(key);
            }
        }
    }
}
