using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Epoll;
using Selectors.Poll;
using Selectors.Tests.Support;

namespace Selectors.Tests.LowLevel;

/// <summary>
/// The raw bits epoll and poll report for hang-ups and errors (semantics spec K5), on real pipes and sockets.
/// Epoll and poll share the values of IN, OUT, ERR and HUP, so the expectations are written once as <see cref="PollEvents"/>.
/// </summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.UnixSystemCalls))]
public class HangUpAndErrorTests(string backend)
{
    private const PollEvents InOut = PollEvents.In | PollEvents.Out;

    /// <summary>Registers <paramref name="fd"/> for IN|OUT on the backend and returns the first non-empty report within <paramref name="seconds"/>.</summary>
    private PollEvents WaitFor(int fd, Func<PollEvents, bool> done, double seconds = 2.0)
    {
        var sw = Stopwatch.StartNew();
        PollEvents last = PollEvents.None;
        if (backend == "epoll")
        {
            using var ep = new EpollInstance();
            ep.Register(fd, EpollEvents.In | EpollEvents.Out);
            for (int i = 0; i < 100 && sw.Elapsed.TotalSeconds < seconds; i++)
            {
                var ready = ep.Poll(0.05);
                ready.Should().HaveCountLessThanOrEqualTo(1);
                if (ready.Count == 1)
                {
                    ready[0].Fd.Should().Be(fd);
                    last = (PollEvents)(short)(uint)ready[0].Events;
                    ((uint)ready[0].Events & 0xFFFF0000u).Should().Be(0u);
                    if (done(last))
                    {
                        return last;
                    }
                }
            }
        }
        else
        {
            var ps = new PollSet();
            ps.Register(fd, PollEvents.In | PollEvents.Out);
            for (int i = 0; i < 100 && sw.Elapsed.TotalSeconds < seconds; i++)
            {
                var ready = ps.Poll(50);
                ready.Should().HaveCountLessThanOrEqualTo(1);
                if (ready.Count == 1)
                {
                    ready[0].Fd.Should().Be(fd);
                    last = ready[0].Events;
                    if (done(last))
                    {
                        return last;
                    }
                }
            }
        }

        return last;
    }

    private PollEvents WaitForAny(int fd) => WaitFor(fd, e => e != PollEvents.None);

    [Test]
    public void PipeReadEnd_AfterWriterClosed_IsHupOnly()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            Peers.Close(w);

            WaitForAny(r).Should().Be(PollEvents.Hup, "a pipe's read end whose writer is gone reports HUP alone, not IN");
        }
        finally
        {
            Peers.Close(r);
        }
    }

    [Test]
    public void PipeReadEnd_WithDataAndWriterClosed_IsInAndHup()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            Peers.Write(w);
            Peers.Close(w);

            WaitForAny(r).Should().Be(PollEvents.In | PollEvents.Hup);
        }
        finally
        {
            Peers.Close(r);
        }
    }

    [Test]
    public void PipeWriteEnd_AfterReaderClosed_IsOutAndErr()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            Peers.Close(r);

            WaitForAny(w).Should().Be(PollEvents.Out | PollEvents.Err);
        }
        finally
        {
            Peers.Close(w);
        }
    }

    [Test]
    public void SocketPair_PeerClosed_IsInOutHup()
    {
        var (a, b) = Peers.SocketPairFds();
        try
        {
            Peers.Close(b);

            var events = WaitForAny(a);

            events.Should().HaveFlag(PollEvents.In).And.HaveFlag(PollEvents.Hup).And.NotHaveFlag(PollEvents.Err);
            events.Should().Be(PollEvents.In | PollEvents.Out | PollEvents.Hup, "as observed on Linux (spec K5)");
        }
        finally
        {
            Peers.Close(a);
        }
    }

    [Test]
    public void TcpPeer_ShutdownWrite_IsInOut_WithoutHup()
    {
        var (server, client) = Peers.TcpPair();
        using (server)
        using (client)
        {
            client.Shutdown(SocketShutdown.Send);

            WaitFor(server.Fd(), e => e.HasFlag(PollEvents.In)).Should().Be(InOut, "RDHUP was not requested and the socket is only half closed");
        }
    }

    [Test]
    public void TcpConnectRefused_IsErrAndHup()
    {
        var (client, holder) = LowLevelPeers.RefusedConnect();
        using (client)
        using (holder)
        {
            var events = WaitFor(client.Fd(), e => e.HasFlag(PollEvents.Err));

            events.Should().HaveFlag(PollEvents.Err).And.HaveFlag(PollEvents.Hup);
            events.Should().Be(PollEvents.In | PollEvents.Out | PollEvents.Err | PollEvents.Hup, "as observed on Linux (spec K5)");
            ((int)client.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!)
                .Should().Be((int)SocketError.ConnectionRefused, "SO_ERROR holds the refusal");
        }
    }

    [Test]
    public void FreshUnconnectedTcpSocket_IsOutAndHup()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        WaitForAny(socket.Fd()).Should().Be(PollEvents.Out | PollEvents.Hup);
    }

    [Test]
    public void ListeningSocket_WithPendingConnection_IsInOnly()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);

        WaitForAny(listener.Fd()).Should().Be(PollEvents.In);
    }

    [Test]
    public void HupAndErr_AreReportedEvenWhenNotRequested()
    {
        var (r, w) = Peers.Pipe();
        var (r2, w2) = Peers.Pipe();
        try
        {
            Peers.Close(w, r2);
            if (backend == "epoll")
            {
                using var ep = new EpollInstance();
                ep.Register(r, EpollEvents.None);
                ep.Register(w2, EpollEvents.None);

                ep.Poll(1.0).Should().BeEquivalentTo([(r, EpollEvents.Hup), (w2, EpollEvents.Err)]);
            }
            else
            {
                var ps = new PollSet();
                ps.Register(r, PollEvents.None);
                ps.Register(w2, PollEvents.None);

                ps.Poll(1000).Should().BeEquivalentTo([(r, PollEvents.Hup), (w2, PollEvents.Err)]);
            }
        }
        finally
        {
            Peers.Close(r, w2);
        }
    }

    [Test]
    public void ClosedFdStillRegistered_PollReportsNval_EpollReportsNothing()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            if (backend == "epoll")
            {
                using var ep = new EpollInstance();
                ep.Register(r, EpollEvents.In);
                Peers.Close(r);

                ep.Poll(0.05).Should().BeEmpty("the kernel dropped the registration with the last reference to the pipe");
            }
            else
            {
                var ps = new PollSet();
                ps.Register(r, PollEvents.In);
                Peers.Close(r);

                ps.Poll(1000).Should().Equal((r, PollEvents.Nval));
            }
        }
        finally
        {
            Peers.Close(w);
        }
    }
}
