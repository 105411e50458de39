using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Conformance;

/// <summary>
/// Faults on watched descriptors (docs/reliability.md section 3): peers that reset, half-close, die with their process,
/// writes that hit a closed peer, broken pipes. Each is a K5 situation: reported by the hang-up/error rule (both events,
/// masked by the interest), and the selector goes on working for everything else.
/// </summary>
public partial class SelectorConformanceTests
{
    /// <summary>How long a test waits for something that happens at once on loopback: generous for a loaded machine.</summary>
    private static readonly TimeSpan LoopbackLimit = TimeSpan.FromSeconds(2);

    /// <summary>How long a python3 peer may take to start and connect: seconds through a pyenv shim on a loaded machine.</summary>
    private static readonly TimeSpan PeerStartLimit = TimeSpan.FromSeconds(10);

    [TestCase(SelectorEvents.Read)]
    [TestCase(SelectorEvents.Write)]
    [TestCase(Both)]
    public void K5_Fault_PeerResetIsReportedReceiveFailsAndTheSelectorGoesOn(SelectorEvents interest)
    {
        var (server, client) = TcpPair();
        var (other, otherPeer) = SocketPair();
        SelectorKey key = _selector.Register(server, interest);
        SelectorKey otherKey = _selector.Register(other, SelectorEvents.Read);

        // SO_LINGER 0: close sends RST instead of FIN.
        client.LingerState = new LingerOption(true, 0);
        client.Close();
        WaitUntilReadable(server, "the reset reached the server side");

        Ready().Should().BeEquivalentTo(new Dictionary<int, SelectorEvents> { [key.Fd] = interest }, "HUP|ERR counts as both, masked by the interest");
        string outcome = ReceiveOutcome(server);
        TestContext.Out.WriteLine($"{_backend}: Receive after the reset: {outcome}");
        outcome.Should().BeOneOf("connection reset", "end of file");

        _selector.Unregister(server);
        server.Dispose();
        otherPeer.Send(new byte[] { 1 });
        Ready().Should().BeEquivalentTo(new Dictionary<int, SelectorEvents> { [otherKey.Fd] = SelectorEvents.Read });
    }

    [TestCase("tcp")]
    [TestCase("unix", ExcludePlatform = "Win", Reason = NotOnWindows.UnixSockets)]
    public void K5_Fault_PeerHalfCloseIsReadableAtEndOfFileWhileTheSocketStaysWritable(string kind)
    {
        var (ours, peer) = Connected(kind);
        SelectorKey key = _selector.Register(ours, Both);
        EventsOf(key).Should().Be(SelectorEvents.Write, "an idle connection is only writable");

        peer.Shutdown(SocketShutdown.Send);
        WaitUntilReadable(ours, "the peer's end of file arrived");
        EventsOf(key).Should().Be(Both);
        ours.Receive(new byte[16]).Should().Be(0);
        EventsOf(key).Should().Be(Both, "end of file stays readable (level-triggered) and the other direction is open");

        ours.Send("pong"u8).Should().Be(4);
        ReceiveExactly(peer, 4).Should().Be("pong", "the half-closed peer still receives");
    }

    [TestCase("tcp")]
    [TestCase("unix", ExcludePlatform = "Win", Reason = NotOnWindows.UnixSockets)]
    public void K5_Fault_WritingToAClosedPeerThrowsWhileTheSocketIsReportedHungUp(string kind)
    {
        var (ours, peer) = Connected(kind);
        SelectorKey key = _selector.Register(ours, Both);
        peer.Dispose();

        // .NET ignores SIGPIPE, so the failed write is an exception, not the end of the test process.
        SocketException refusal = SendUntilRefused(ours);
        TestContext.Out.WriteLine($"{_backend} {kind}: Send to a closed peer threw {refusal.SocketErrorCode} ({refusal.Message})");
        refusal.SocketErrorCode.Should().BeOneOf(SocketError.Shutdown, SocketError.ConnectionReset);
        EventsOf(key).Should().Be(Both, "a socket whose writes fail is hung up: both events");
        EventsOf(_selector.Modify(ours, SelectorEvents.Write)).Should().Be(SelectorEvents.Write, "masked by the interest");
    }

    [TestCase("tcp")]
    [TestCase("unix")]
    [Platform(Exclude = "Win", Reason = NotOnWindows.KillSignal)]
    public void K5_Fault_PeerProcessKilledIsReportedAsHangUp(string kind)
    {
        var (ours, peer) = ConnectedToAPeerProcess(kind);
        SelectorKey key = _selector.Register(ours, SelectorEvents.Read);
        EventsOf(key, 0.05).Should().Be(SelectorEvents.None, "the live peer sends nothing more");

        // The peer dies while Select waits, as a crashing peer does: the wait must end then, not at its timeout.
        Exception? killFailure = null;
        var killer = new Thread(() =>
        {
            Thread.Sleep(200);
            try
            {
                peer.Kill();
            }
            catch (Exception e)
            {
                killFailure = e;
            }
        })
        { IsBackground = true, Name = "peer killer" };
        killer.Start();
        SelectorEvents events = SelectorEvents.None;
        TimeSpan took = Time(() => events = EventsOf(key, 10.0));
        killer.Join(TimeSpan.FromSeconds(10)).Should().BeTrue();
        killFailure.Should().BeNull();
        events.Should().Be(SelectorEvents.Read, "the kernel closed the dead process's end");
        took.Should().BeLessThan(LoopbackLimit + TimeSpan.FromSeconds(1), "the death ends the wait");
        ours.Receive(new byte[16]).Should().Be(0);
        EventsOf(_selector.Modify(ours, SelectorEvents.Write)).Should().Be(SelectorEvents.Write);
    }

    [Test]
    [Platform(Exclude = "Win", Reason = NotOnWindows.Pipes)]
    public void K5_Fault_PipeWithWriterClosedStaysReadableUntilDrainedThenReadsEndOfFile()
    {
        var (read, write) = Pipe();
        if (RefusedAsNotASocket(read))
        {
            return;
        }

        SelectorKey key = _selector.Register(read, SelectorEvents.Read);
        Peers.Write(write, 3);
        CloseNow(write);
        EventsOf(key).Should().Be(SelectorEvents.Read, "IN|HUP");
        Peers.Read(read).Should().Be(3);
        EventsOf(key).Should().Be(SelectorEvents.Read, "HUP alone still counts as readable");
        Peers.Read(read).Should().Be(0);
    }

    [Test]
    [Platform(Exclude = "Win", Reason = NotOnWindows.Pipes)]
    public void K5_Fault_PipeWithReaderClosedIsWritableAndWriteFailsWithEpipe()
    {
        var (read, write) = Pipe();
        if (RefusedAsNotASocket(write))
        {
            return;
        }

        SelectorKey key = _selector.Register(write, SelectorEvents.Write);
        CloseNow(read);
        EventsOf(key).Should().Be(SelectorEvents.Write, "OUT|ERR");
        LowLevelPeers.TryWrite(write).Should().Be((-1L, Errno.EPIPE), ".NET ignores SIGPIPE, so write(2) returns EPIPE");
        EventsOf(key).Should().Be(SelectorEvents.Write, "still reported after the failed write: the caller must unregister");
    }

    /// <summary>On the select backend: asserts that <paramref name="fd"/> (not a socket) is refused, and returns true.</summary>
    private bool RefusedAsNotASocket(int fd)
    {
        if (!SocketsOnly)
        {
            return false;
        }

        _selector.Invoking(s => s.Register(fd, Both)).Should().Throw<SocketException>("select watches sockets only");
        return true;
    }

    /// <summary>A connected pair of <paramref name="kind"/> (<c>tcp</c> on 127.0.0.1 or <c>unix</c>), disposed after the test.</summary>
    private (Socket Ours, Socket Peer) Connected(string kind) => kind switch
    {
        "tcp" => TcpPair(),
        "unix" => SocketPair(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Our end of a connection whose other end is held by a python3 child process, which has proved it holds it by
    /// sending one byte (read here). <c>tcp</c>: the child connects to a listener of ours; <c>unix</c>: it inherits one
    /// end of a socket pair, and ours is made close-on-exec so the child holds only its own.
    /// </summary>
    private (Socket Ours, PeerProcess Peer) ConnectedToAPeerProcess(string kind)
    {
        Socket ours;
        PeerProcess peer;
        if (kind == "tcp")
        {
            var listener = Track(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            peer = Track(PeerProcess.ConnectTo(((IPEndPoint)listener.LocalEndPoint!).Port));
            if (!listener.Poll(PeerStartLimit, SelectMode.SelectRead))
            {
                Assert.Fail($"python3 did not connect within {PeerStartLimit}: {peer.ErrorOutput()}");
            }

            ours = Track(listener.Accept());
        }
        else
        {
            var (a, b) = Peers.SocketPairFds();
            ours = Track(new Socket(new SafeSocketHandle(a, ownsHandle: true)));
            try
            {
                Peers.SetCloseOnExec(a);
                peer = Track(PeerProcess.Inheriting(b));
            }
            finally
            {
                Peers.Close(b);
            }
        }

        if (!ours.Poll(PeerStartLimit, SelectMode.SelectRead))
        {
            Assert.Fail($"python3 did not send its byte within {PeerStartLimit}: {peer.ErrorOutput()}");
        }

        ours.Receive(new byte[1]).Should().Be(1, "the child holds its end: {0}", peer.HasExited ? peer.ErrorOutput() : "alive");
        return (ours, peer);
    }

    /// <summary>Waits with .NET's own poll (not the selector under test) until a precondition is visible on <paramref name="socket"/>.</summary>
    private static void WaitUntilReadable(Socket socket, string what) =>
        socket.Poll(LoopbackLimit, SelectMode.SelectRead).Should().BeTrue(what);

    /// <summary>What one non-blocking Receive gives: <c>end of file</c>, <c>connection reset</c>, <c>N bytes</c> or the error.</summary>
    private static string ReceiveOutcome(Socket socket)
    {
        socket.Blocking = false;
        try
        {
            int n = socket.Receive(new byte[16]);
            return n == 0 ? "end of file" : $"{n} bytes";
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode == SocketError.ConnectionReset ? "connection reset" : e.SocketErrorCode.ToString();
        }
    }

    /// <summary>Receives exactly <paramref name="count"/> bytes within <see cref="LoopbackLimit"/>, as text.</summary>
    private static string ReceiveExactly(Socket socket, int count)
    {
        var buffer = new byte[count];
        int received = 0;
        socket.ReceiveTimeout = (int)LoopbackLimit.TotalMilliseconds;
        while (received < count)
        {
            int n = socket.Receive(buffer, received, count - received, SocketFlags.None);
            if (n == 0)
            {
                break;
            }

            received += n;
        }

        return Encoding.ASCII.GetString(buffer, 0, received);
    }

    /// <summary>
    /// Sends until the kernel refuses (bounded by <see cref="LoopbackLimit"/>) and returns the refusal. A unix socket
    /// refuses the first send to a closed peer; TCP accepts one more, which the closed peer answers with RST.
    /// </summary>
    private static SocketException SendUntilRefused(Socket socket)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < LoopbackLimit)
        {
            try
            {
                socket.Send(new byte[] { 1 });
            }
            catch (SocketException e)
            {
                return e;
            }

            Thread.Sleep(10);
        }

        throw new AssertionException($"sending to a closed peer still succeeded after {LoopbackLimit}.");
    }
}
