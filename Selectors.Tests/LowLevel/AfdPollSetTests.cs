using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Afd;
using Selectors.Tests.Support;

namespace Selectors.Tests.LowLevel;

/// <summary>
/// The AFD poll set against the driver: run by the Wine leg of CI, whose Wine implements <c>IOCTL_AFD_POLL</c>. Sockets
/// are loopback TCP pairs, every wait is bounded, and every socket is closed by the test that opened it.
/// </summary>
[TestFixture]
[Platform(Include = "Win", Reason = OnlyOnWindows)]
[SupportedOSPlatform("windows")]
public sealed class AfdPollSetTests
{
    private const string OnlyOnWindows = "the AFD driver is Windows's; the Wine leg runs these";

    private const AfdEvents Readable = AfdEvents.Receive | AfdEvents.Disconnect | AfdEvents.Accept;

    private readonly List<IDisposable> _disposables = new();
    private AfdPollSet _set = null!;

    [SetUp]
    public void CreateSet() => _set = new AfdPollSet();

    [TearDown]
    public void DisposeEverything()
    {
        _set.Dispose();
        _disposables.ForEach(disposable => disposable.Dispose());
        _disposables.Clear();
    }

    [Test]
    public void AReceivedByteIsReportedWithTheData_AgainOnEveryWait_UntilItIsRead()
    {
        var (socket, peer) = Pair();
        _set.Register(socket.Handle, Readable, 0x1_0000_0007);
        Wait(0).Should().BeEmpty("nothing was sent");

        peer.Send(new byte[] { 1 });
        Wait(2000).Should().Equal(new AfdEvent(AfdEvents.Receive, 0x1_0000_0007));
        Wait(0).Should().Equal(new[] { new AfdEvent(AfdEvents.Receive, 0x1_0000_0007) }, "level-triggered: still unread");

        socket.Receive(new byte[8]).Should().Be(1);
        Wait(50).Should().BeEmpty("the byte was read");
    }

    [Test]
    public void AConnectedSocketIsWritableAtOnce_AndAPendingConnectionMakesAListenerAcceptable()
    {
        var (socket, _) = Pair();
        _set.Register(socket.Handle, AfdEvents.Send, 5);
        Wait(2000).Should().Equal(new AfdEvent(AfdEvents.Send, 5));

        var listener = Own(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        _set.Register(listener.Handle, AfdEvents.Accept, 6);
        var client = Own(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        client.Connect(listener.LocalEndPoint!);
        WaitUntil(e => e.Data == 6).Events.Should().Be(AfdEvents.Accept);
    }

    [Test]
    public void AReadyAndWritableSocketIsOneReportOfBoth_EvenWhenItsFirstPollCompletedBeforeTheData()
    {
        var (socket, peer) = Pair();
        _set.Register(socket.Handle, AfdEvents.Receive | AfdEvents.Send, 1);
        Thread.Sleep(50); // the first poll completes (writable) and waits in the port
        peer.Send(new byte[] { 1 });
        Thread.Sleep(50);

        Wait(2000).Should().Equal(new[] { new AfdEvent(AfdEvents.Receive | AfdEvents.Send, 1) }, "a completion queued before the wait is polled again");
    }

    [Test]
    public void APeerThatCloses_IsReportedAsDisconnected_AndOneThatResetsAsAborted_WhenAborts_AreAskedFor()
    {
        var (closed, closer) = Pair();
        var (reset, resetter) = Pair();
        _set.Register(closed.Handle, Readable, 1);
        _set.Register(reset.Handle, Readable | AfdEvents.Abort, 2);

        closer.Shutdown(SocketShutdown.Send);
        resetter.LingerState = new LingerOption(true, 0);
        resetter.Close();

        WaitUntil(e => e.Data == 1).Events.Should().HaveFlag(AfdEvents.Disconnect);
        WaitUntil(e => e.Data == 2).Events.Should().HaveFlag(AfdEvents.Abort);
    }

    [Test]
    public void AWiderInterestTakesEffectInAWaitBlockedOnAnotherThread()
    {
        var (socket, _) = Pair();
        _set.Register(socket.Handle, AfdEvents.Receive, 3);
        Task<AfdEvent[]> blocked = Task.Run(() => Wait(10_000));
        Thread.Sleep(200);
        blocked.IsCompleted.Should().BeFalse("nothing was sent");

        _set.Modify(socket.Handle, AfdEvents.Receive | AfdEvents.Send, 4);
        blocked.Wait(TimeSpan.FromSeconds(5)).Should().BeTrue("the pending poll was cancelled and the wait polled again");
        blocked.Result.Should().Equal(new AfdEvent(AfdEvents.Send, 4));
    }

    [Test]
    public void ASocketRegisteredDuringABlockedWaitIsReportedByIt()
    {
        var (socket, _) = Pair();
        Task<AfdEvent[]> blocked = Task.Run(() => Wait(10_000));
        Thread.Sleep(200);

        _set.Register(socket.Handle, AfdEvents.Send, 9);
        blocked.Wait(TimeSpan.FromSeconds(5)).Should().BeTrue();
        blocked.Result.Should().Equal(new AfdEvent(AfdEvents.Send, 9));
    }

    [Test]
    public void ANarrowerInterestMasksWhatThePendingPollReports()
    {
        var (socket, peer) = Pair();
        _set.Register(socket.Handle, AfdEvents.Receive | AfdEvents.Send, 1);
        _set.Modify(socket.Handle, AfdEvents.Receive, 2);
        Wait(50).Should().BeEmpty("writable is no longer asked for");

        peer.Send(new byte[] { 1 });
        Wait(2000).Should().Equal(new AfdEvent(AfdEvents.Receive, 2));
    }

    [Test]
    public void AnUnregisteredSocketIsNoLongerReported_AndCanBeRegisteredAgain()
    {
        var (socket, peer) = Pair();
        _set.Register(socket.Handle, Readable, 1);
        peer.Send(new byte[] { 1 });
        Thread.Sleep(50);

        _set.Unregister(socket.Handle);
        _set.Contains(socket.Handle).Should().BeFalse();
        _set.Count.Should().Be(0);
        Wait(100).Should().BeEmpty("its completion is dropped with it");

        _set.Register(socket.Handle, Readable, 2);
        Wait(2000).Should().Equal(new AfdEvent(AfdEvents.Receive, 2));
    }

    [Test]
    public void AClosedSocketIsForgotten_WithoutAReport()
    {
        var (socket, peer) = Pair();
        var (other, _) = Pair();
        _set.Register(socket.Handle, Readable, 1);
        _set.Register(other.Handle, AfdEvents.Send, 2);
        peer.Send(new byte[] { 1 });
        socket.Dispose();

        var seen = new List<AfdEvent>();
        var clock = Stopwatch.StartNew();
        while (_set.Contains(socket.Handle) && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            seen.AddRange(Wait(100));
        }

        _set.Contains(socket.Handle).Should().BeFalse("the driver's LOCAL_CLOSE (or a refused poll) makes the set forget it");
        seen.Should().OnlyContain(e => e.Data == 2, "the closed socket is never reported");
        _set.Count.Should().Be(1);
    }

    [Test]
    public void AShortBufferHandsOutEveryReadySocketInTurn()
    {
        var expected = new HashSet<ulong>();
        for (ulong i = 1; i <= 5; i++)
        {
            var (socket, peer) = Pair();
            _set.Register(socket.Handle, Readable, i);
            peer.Send(new byte[] { 1 });
            expected.Add(i);
        }

        Thread.Sleep(100);
        var seen = new HashSet<ulong>();
        Span<AfdEvent> two = stackalloc AfdEvent[2];
        for (int call = 0; call < 3; call++)
        {
            int n = _set.Wait(two, 2000);
            for (int i = 0; i < n; i++)
            {
                seen.Add(two[i].Data);
            }
        }

        seen.Should().BeEquivalentTo(expected, "three calls with room for two hand out all five");
    }

    [Test]
    public void APostedPacketWakesABlockedWait_CarryingAll64BitsOfItsData()
    {
        Task<AfdEvent[]> blocked = Task.Run(() => Wait(10_000));
        Thread.Sleep(200);

        _set.Post(0xFEDC_BA98_7654_3210);
        blocked.Wait(TimeSpan.FromSeconds(5)).Should().BeTrue();
        blocked.Result.Should().Equal(new AfdEvent(AfdEvents.None, 0xFEDC_BA98_7654_3210));
    }

    [Test]
    public void AWaitWithNothingReadySleepsForItsTimeout()
    {
        var clock = Stopwatch.StartNew();
        Wait(200).Should().BeEmpty();
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190)).And.BeLessThan(TimeSpan.FromSeconds(3));
    }

    [Test]
    public void AWaitAllocatesNothingInSteadyState()
    {
        var (socket, peer) = Pair();
        _set.Register(socket.Handle, Readable, 1);
        peer.Send(new byte[] { 1 });
        var buffer = new AfdEvent[4];
        for (int i = 0; i < 20; i++)
        {
            _set.Wait(buffer, 1000);
        }

        int reported = 0;
        long allocated = Allocations.Least(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                reported += _set.Wait(buffer, 1000);
            }
        });

        allocated.Should().Be(0);
        reported.Should().Be(Allocations.Windows * 200, "the unread byte is reported on every wait");
    }

    [Test]
    public void BadCallsThrowTheRightExceptionAndChangeNothing()
    {
        var (socket, _) = Pair();
        _set.Register(socket.Handle, Readable, 1);

        _set.Invoking(s => s.Register(socket.Handle, Readable, 2)).Should().Throw<ArgumentException>().WithMessage("*already registered*");
        _set.Invoking(s => s.Register(socket.Handle, (AfdEvents)0x4000, 2)).Should().Throw<ArgumentOutOfRangeException>();
        _set.Invoking(s => s.Modify(12345, Readable, 2)).Should().Throw<KeyNotFoundException>();
        _set.Invoking(s => s.Unregister(12345)).Should().Throw<KeyNotFoundException>();
        _set.Invoking(s => s.Wait(Span<AfdEvent>.Empty, 0)).Should().Throw<ArgumentException>();

        string path = Path.GetTempFileName();
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
            _set.Invoking(s => s.Register(file.DangerousGetHandle(), Readable, 3)).Should().Throw<SocketException>()
                .Which.SocketErrorCode.Should().Be(SocketError.NotSocket);
        }
        finally
        {
            File.Delete(path);
        }

        _set.Count.Should().Be(1);
        _set.Contains(socket.Handle).Should().BeTrue();
    }

    [Test]
    public void AfterDisposeEveryCallButDisposeThrows_AndAWaitBlockedMeanwhileReturns()
    {
        var (socket, _) = Pair();
        _set.Register(socket.Handle, AfdEvents.Receive, 1);
        Task<AfdEvent[]> blocked = Task.Run(() => Wait(10_000));
        Thread.Sleep(200);

        _set.Dispose();
        blocked.Invoking(t => t.Wait(TimeSpan.FromSeconds(5))).Should().Throw<AggregateException>()
            .WithInnerException<ObjectDisposedException>();
        _set.Closed.Should().BeTrue();
        _set.Invoking(s => s.Register(socket.Handle, Readable, 1)).Should().Throw<ObjectDisposedException>();
        _set.Invoking(s => s.Post(1)).Should().Throw<ObjectDisposedException>();
        _set.Invoking(s => s.Wait(new AfdEvent[1], 0)).Should().Throw<ObjectDisposedException>();
        _set.Dispose();
        socket.Send(new byte[] { 1 }).Should().Be(1, "the sockets stay open");
    }

    [Test]
    public void TheDriverCanBeOpenedManyTimes_AndEachSetIsReleased()
    {
        for (int i = 0; i < 200; i++)
        {
            using var set = new AfdPollSet();
            set.Post(1);
        }
    }

    private (Socket Socket, Socket Peer) Pair()
    {
        var (server, client) = Peers.TcpPair();
        Own(server);
        Own(client);
        return (server, client);
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private AfdEvent[] Wait(int timeoutMilliseconds)
    {
        var buffer = new AfdEvent[16];
        int n = _set.Wait(buffer, timeoutMilliseconds);
        return buffer[..n];
    }

    /// <summary>Waits, within 5 s, until an event matching <paramref name="match"/> is reported, and returns it.</summary>
    private AfdEvent WaitUntil(Func<AfdEvent, bool> match)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            foreach (AfdEvent reported in Wait(200))
            {
                if (match(reported))
                {
                    return reported;
                }
            }
        }

        throw new AssertionException("no matching event within 5 s");
    }
}
