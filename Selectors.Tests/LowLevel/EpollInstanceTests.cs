using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using FluentAssertions;
using Mono.Unix;
using Errno = Mono.Unix.Native.Errno;
using NUnit.Framework;
using Selectors.Epoll;
using Selectors.Tests.Support;

namespace Selectors.Tests.LowLevel;

/// <summary>Python's <c>select.epoll</c>, ported: <see cref="EpollInstance"/> against the real kernel.</summary>
[TestFixture]
public class EpollInstanceTests
{
    // ---- lifetime ----

    [Test]
    public void Constructor_CreatesCloseOnExecDescriptor()
    {
        using var ep = new EpollInstance();

        int flags = Peers.DescriptorFlags(ep.Fileno());

        flags.Should().NotBe(-1, "fcntl(F_GETFD) on the epoll fd must succeed: {0}", TestInterop.LastErrno);
        (flags & TestInterop.FD_CLOEXEC).Should().Be(TestInterop.FD_CLOEXEC, "epoll_create1(EPOLL_CLOEXEC) sets FD_CLOEXEC");
    }

    [Test]
    public void Fileno_IsAnOpenDescriptor_AndSafeHandleOwnsIt()
    {
        using var ep = new EpollInstance();

        int fd = ep.Fileno();

        fd.Should().BeGreaterThanOrEqualTo(0);
        ep.Closed.Should().BeFalse();
        ep.SafeHandle.IsInvalid.Should().BeFalse();
        ep.SafeHandle.DangerousGetHandle().ToInt32().Should().Be(fd);
        Peers.DescriptorFlags(fd).Should().NotBe(-1);
    }

    [Test]
    public void Close_ClosesTheDescriptor_AndIsIdempotent()
    {
        var ep = new EpollInstance();
        int fd = ep.Fileno();

        ep.Close();
        // Proof that the number was released, read at once: the freed number is the lowest free one, so anything that
        // opens a file before the check takes it (the first assertion in a process loads assemblies, each an open file:
        // under the test runner of the CI legs, this test can be the first).
        int flags = Peers.DescriptorFlags(fd);
        Errno errno = TestInterop.LastErrno;
        ep.Closed.Should().BeTrue();
        ep.Close();
        ep.Dispose();

        ep.Closed.Should().BeTrue();
        ep.SafeHandle.IsClosed.Should().BeTrue();
        flags.Should().Be(-1, "fd {0} was closed", fd);
        errno.Should().Be(Errno.EBADF);
    }

    [Test]
    public void EveryCallButClose_AfterClose_ThrowsObjectDisposed()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In);
            ep.Close();
            var buffer = new EpollEvent[4];

            ep.Invoking(e => e.Fileno()).Should().Throw<ObjectDisposedException>();
            ep.Invoking(e => e.Register(w, EpollEvents.Out)).Should().Throw<ObjectDisposedException>();
            ep.Invoking(e => e.Register(w, EpollEvents.Out, 42UL)).Should().Throw<ObjectDisposedException>();
            ep.Invoking(e => e.Modify(r, EpollEvents.Out)).Should().Throw<ObjectDisposedException>();
            ep.Invoking(e => e.Modify(r, EpollEvents.Out, 42UL)).Should().Throw<ObjectDisposedException>();
            ep.Invoking(e => e.Unregister(r)).Should().Throw<ObjectDisposedException>();
            ep.Invoking(e => e.Wait(buffer, 0)).Should().Throw<ObjectDisposedException>();
            ep.Invoking(e => e.Poll(0)).Should().Throw<ObjectDisposedException>();
            ep.Invoking(e => e.Close()).Should().NotThrow();
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    // ---- register / modify / unregister ----

    [Test]
    public void Register_Modify_Unregister_ChangeWhatIsReported()
    {
        var (a, b) = Peers.SocketPairFds();
        try
        {
            using var ep = new EpollInstance();

            ep.Register(a, EpollEvents.In);
            ep.Poll(0).Should().BeEmpty("an idle socket is not readable");

            ep.Modify(a, EpollEvents.Out);
            ep.Poll(0).Should().Equal((a, EpollEvents.Out));

            ep.Modify(a, EpollEvents.In | EpollEvents.Out);
            Peers.Write(b);
            ep.Poll(0).Should().Equal((a, EpollEvents.In | EpollEvents.Out));

            ep.Unregister(a);
            ep.Poll(0).Should().BeEmpty();
        }
        finally
        {
            Peers.Close(a, b);
        }
    }

    [Test]
    public void Register_WithoutMask_UsesInPriOut()
    {
        var (a, b) = Peers.SocketPairFds();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(a);
            Peers.Write(b);

            ep.Poll(0).Should().Equal((a, EpollEvents.In | EpollEvents.Out));
        }
        finally
        {
            Peers.Close(a, b);
        }
    }

    [Test]
    public void NegativeFd_ThrowsArgumentOutOfRange_OnEveryCall()
    {
        using var ep = new EpollInstance();

        ep.Invoking(e => e.Register(-1, EpollEvents.In)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("fd");
        ep.Invoking(e => e.Register(-1, EpollEvents.In, 1UL)).Should().Throw<ArgumentOutOfRangeException>();
        ep.Invoking(e => e.Modify(-1, EpollEvents.In)).Should().Throw<ArgumentOutOfRangeException>();
        ep.Invoking(e => e.Modify(-1, EpollEvents.In, 1UL)).Should().Throw<ArgumentOutOfRangeException>();
        ep.Invoking(e => e.Unregister(-5)).Should().Throw<ArgumentOutOfRangeException>();
    }

    // ---- errors: errno and the call's name ----

    [Test]
    public void RegisterTwice_ThrowsEexist_NamingTheCall()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In);

            var ex = ep.Invoking(e => e.Register(r, EpollEvents.In)).Should().Throw<UnixSystemCallException>().Which;

            ex.ErrorName.Should().Be("EEXIST");
            ex.Message.Should().Contain($"epoll_ctl(EPOLL_CTL_ADD, fd {r})");
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void ModifyUnknownFd_ThrowsEnoent_NamingTheCall()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();

            var ex = ep.Invoking(e => e.Modify(r, EpollEvents.In)).Should().Throw<UnixSystemCallException>().Which;

            ex.ErrorName.Should().Be("ENOENT");
            ex.Message.Should().Contain($"epoll_ctl(EPOLL_CTL_MOD, fd {r})");
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void UnregisterUnknownFd_ThrowsEnoent_NamingTheCall()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();

            var ex = ep.Invoking(e => e.Unregister(r)).Should().Throw<UnixSystemCallException>().Which;

            ex.ErrorName.Should().Be("ENOENT");
            ex.Message.Should().Contain($"epoll_ctl(EPOLL_CTL_DEL, fd {r})");
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void RegisterClosedFd_ThrowsEbadf()
    {
        var (r, w) = Peers.Pipe();
        Peers.Close(r, w);
        using var ep = new EpollInstance();
        if (ep.Fileno() == r)
        {
            r = w; // the epoll instance took the freed number; use the other one
        }

        var ex = ep.Invoking(e => e.Register(r, EpollEvents.In)).Should().Throw<UnixSystemCallException>().Which;

        ex.ErrorName.Should().Be("EBADF");
        ex.Message.Should().Contain($"epoll_ctl(EPOLL_CTL_ADD, fd {r})");
    }

    [Test]
    public void RegisterFdBeyondTheDescriptorTable_ThrowsEbadf()
    {
        using var ep = new EpollInstance();

        ep.Invoking(e => e.Register(int.MaxValue, EpollEvents.In)).Should().Throw<UnixSystemCallException>()
            .Which.ErrorName.Should().Be("EBADF");
    }

    [Test]
    public void RegisterDevNull_ThrowsEperm()
    {
        int fd = LowLevelPeers.Open("/dev/null");
        try
        {
            using var ep = new EpollInstance();

            var ex = ep.Invoking(e => e.Register(fd, EpollEvents.In)).Should().Throw<UnixSystemCallException>().Which;

            ex.ErrorName.Should().Be("EPERM");
            ex.Message.Should().Contain($"epoll_ctl(EPOLL_CTL_ADD, fd {fd})");
        }
        finally
        {
            Peers.Close(fd);
        }
    }

    [Test]
    public void RegisterRegularFile_ThrowsEperm()
    {
        string path = Path.GetTempFileName();
        int fd = LowLevelPeers.Open(path);
        try
        {
            using var ep = new EpollInstance();

            ep.Invoking(e => e.Register(fd, EpollEvents.In | EpollEvents.Out)).Should().Throw<UnixSystemCallException>()
                .Which.ErrorName.Should().Be("EPERM");
        }
        finally
        {
            Peers.Close(fd);
            File.Delete(path);
        }
    }

    [Test]
    public void RegisterItsOwnFd_ThrowsEinval()
    {
        using var ep = new EpollInstance();

        var ex = ep.Invoking(e => e.Register(e.Fileno(), EpollEvents.In)).Should().Throw<UnixSystemCallException>().Which;

        ex.ErrorName.Should().Be("EINVAL");
        ex.Message.Should().Contain($"epoll_ctl(EPOLL_CTL_ADD, fd {ep.Fileno()})");
    }

    [Test]
    public void FailedCall_LeavesTheInterestListUsable()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In);
            ep.Invoking(e => e.Register(r, EpollEvents.Out)).Should().Throw<UnixSystemCallException>();

            Peers.Write(w);

            ep.Poll(0).Should().Equal((r, EpollEvents.In));
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    // ---- level-triggered, edge-triggered, one-shot, exclusive, rdhup ----

    [Test]
    public void LevelTriggered_ReportsUnreadDataOnEveryWait()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In);
            Peers.Write(w);

            for (int i = 0; i < 3; i++)
            {
                ep.Poll(0).Should().Equal([(r, EpollEvents.In)], "wait #{0} still has the byte unread", i);
            }

            Peers.Read(r);
            ep.Poll(0).Should().BeEmpty();
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void EdgeTriggered_ReportsNewDataOnce()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            Peers.SetNonBlocking(r);
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In | EpollEvents.EdgeTriggered);
            ep.Poll(0).Should().BeEmpty();

            Peers.Write(w, 10);
            ep.Poll(0).Should().Equal((r, EpollEvents.In));
            ep.Poll(0).Should().BeEmpty("the data is unread, but no new data arrived");
            ep.Poll(0.05).Should().BeEmpty();

            Peers.Write(w, 5);
            ep.Poll(0).Should().Equal([(r, EpollEvents.In)], "a new arrival is a new edge");
            ep.Poll(0).Should().BeEmpty();

            LowLevelPeers.Drain(r).Should().Be(15, "edge-triggered readers drain until EAGAIN");
            LowLevelPeers.TryRead(r).Errno.Should().Be(Errno.EAGAIN);
            ep.Poll(0).Should().BeEmpty();

            Peers.Write(w);
            ep.Poll(0).Should().Equal([(r, EpollEvents.In)], "after draining, the next arrival is reported");
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void EdgeTriggered_WithWait_ReportsOnceThroughSpanToo()
    {
        var (a, b) = Peers.SocketPairFds();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(a, EpollEvents.Out | EpollEvents.EdgeTriggered);
            Span<EpollEvent> events = stackalloc EpollEvent[4];

            ep.Wait(events, 0).Should().Be(1, "an idle socket becomes writable once");
            events[0].Fd.Should().Be(a);
            events[0].Events.Should().Be(EpollEvents.Out);
            ep.Wait(events, 0).Should().Be(0, "still writable, but no new edge");
        }
        finally
        {
            Peers.Close(a, b);
        }
    }

    [Test]
    public void OneShot_ReportsOnce_ThenDisabledUntilModifyRearms()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In | EpollEvents.OneShot);
            Peers.Write(w);

            ep.Poll(0).Should().Equal((r, EpollEvents.In));
            ep.Poll(0).Should().BeEmpty("a one-shot registration is disabled after it fired");
            Peers.Write(w);
            ep.Poll(0.05).Should().BeEmpty("new data does not re-enable it either");

            ep.Modify(r, EpollEvents.In | EpollEvents.OneShot);
            ep.Poll(0).Should().Equal([(r, EpollEvents.In)], "Modify re-arms it, and the data is still there");
            ep.Poll(0).Should().BeEmpty();

            ep.Invoking(e => e.Register(r, EpollEvents.In)).Should().Throw<UnixSystemCallException>()
                .Which.ErrorName.Should().Be("EEXIST", "a disabled one-shot fd is still on the interest list");
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void Exclusive_AcceptedOnRegister_RejectedWithEinvalOnModify()
    {
        var (r, w) = Peers.Pipe();
        var (r2, w2) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In | EpollEvents.Exclusive);
            Peers.Write(w);
            ep.Poll(0).Should().Equal([(r, EpollEvents.In)], "an exclusive registration still reports");

            var ex = ep.Invoking(e => e.Modify(r, EpollEvents.In)).Should().Throw<UnixSystemCallException>().Which;
            ex.ErrorName.Should().Be("EINVAL", "an EPOLLEXCLUSIVE registration cannot be modified");
            ex.Message.Should().Contain($"epoll_ctl(EPOLL_CTL_MOD, fd {r})");

            ep.Register(r2, EpollEvents.In);
            ep.Invoking(e => e.Modify(r2, EpollEvents.In | EpollEvents.Exclusive)).Should().Throw<UnixSystemCallException>()
                .Which.ErrorName.Should().Be("EINVAL", "EPOLLEXCLUSIVE is allowed with EPOLL_CTL_ADD only");
        }
        finally
        {
            Peers.Close(r, w, r2, w2);
        }
    }

    [Test]
    public void RdHup_ReportedAfterPeerShutsDownWriting()
    {
        var (server, client) = Peers.TcpPair();
        using (server)
        using (client)
        {
            using var ep = new EpollInstance();
            ep.Register(server.Fd(), EpollEvents.In | EpollEvents.RdHup);
            ep.Poll(0).Should().BeEmpty();

            client.Shutdown(SocketShutdown.Send);

            var ready = ep.Poll(2.0);
            ready.Should().ContainSingle();
            ready[0].Fd.Should().Be(server.Fd());
            ready[0].Events.Should().HaveFlag(EpollEvents.RdHup).And.HaveFlag(EpollEvents.In);
            ready[0].Events.Should().NotHaveFlag(EpollEvents.Hup, "only the peer's write side is shut");
        }
    }

    [Test]
    public void RdHup_NotReportedWhenNotRequested()
    {
        var (server, client) = Peers.TcpPair();
        using (server)
        using (client)
        {
            using var ep = new EpollInstance();
            ep.Register(server.Fd(), EpollEvents.In);
            client.Shutdown(SocketShutdown.Send);

            var ready = ep.Poll(2.0);
            ready.Should().Equal((server.Fd(), EpollEvents.In));
        }
    }

    // ---- data ----

    [Test]
    public void CustomData_ComesBackInData()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            const ulong token = 0xDEAD_BEEF_CAFE_F00DUL;
            ep.Register(r, EpollEvents.In, token);
            Peers.Write(w);
            Span<EpollEvent> events = stackalloc EpollEvent[2];

            ep.Wait(events, 0).Should().Be(1);
            events[0].Data.Should().Be(token);
            events[0].Events.Should().Be(EpollEvents.In);

            ep.Modify(r, EpollEvents.In, 7UL);
            ep.Wait(events, 0).Should().Be(1);
            events[0].Data.Should().Be(7UL);

            ep.Modify(r, EpollEvents.In);
            ep.Wait(events, 0).Should().Be(1);
            events[0].Data.Should().Be((ulong)r, "Modify without data reports the descriptor again");
            events[0].Fd.Should().Be(r);
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void RegisterWithoutData_ReportsTheFdAsData()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In);
            Peers.Write(w);
            var events = new EpollEvent[1];

            ep.Wait(events, 0).Should().Be(1);
            events[0].Data.Should().Be((ulong)r);
            events[0].Fd.Should().Be(r);
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    // ---- Wait(Span) ----

    [Test]
    public void Wait_FillsCallerSpan_AndAllocatesNothing()
    {
        var (r, w) = Peers.Pipe();
        var (a, b) = Peers.SocketPairFds();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In);
            ep.Register(a, EpollEvents.Out);
            Peers.Write(w);
            var events = new EpollEvent[8];
            ep.Wait(events, 0); // warm-up: JIT, marshalling stubs
            ep.Wait(events, 1);

            int count = 0;
            long allocated = Allocations.Least(() =>
            {
                for (int i = 0; i < 100; i++)
                {
                    count += ep.Wait(events, 0);
                }

                count += ep.Wait(events, 10);
            });

            allocated.Should().Be(0, "Wait(Span) is the zero-allocation wait");
            count.Should().Be(Allocations.Windows * 202);
            events[..2].ToArray().Select(e => (e.Fd, e.Events)).Should()
                .BeEquivalentTo([(r, EpollEvents.In), (a, EpollEvents.Out)]);
        }
        finally
        {
            Peers.Close(r, w, a, b);
        }
    }

    [Test]
    public void Wait_EmptySpan_ThrowsArgumentException()
    {
        using var ep = new EpollInstance();

        ep.Invoking(e => e.Wait(Span<EpollEvent>.Empty, 0)).Should().Throw<ArgumentException>();
    }

    [Test]
    public void Wait_MoreReadyThanSpan_ReturnsSpanLength_AndNothingStarves()
    {
        const int n = 5;
        var pipes = Enumerable.Range(0, n).Select(_ => Peers.Pipe()).ToArray();
        try
        {
            using var ep = new EpollInstance();
            foreach (var (r, w) in pipes)
            {
                ep.Register(r, EpollEvents.In);
                Peers.Write(w);
            }

            var seen = new HashSet<int>();
            var events = new EpollEvent[2];
            for (int call = 0; call < 3; call++)
            {
                ep.Wait(events, 0).Should().Be(2, "{0} fds are ready and the span holds 2", n);
                seen.Add(events[0].Fd);
                seen.Add(events[1].Fd);
            }

            seen.Should().BeEquivalentTo(pipes.Select(p => p.Read), "the kernel round-robins the ready list: 3 calls of 2 cover 5 fds");
        }
        finally
        {
            foreach (var (r, w) in pipes)
            {
                Peers.Close(r, w);
            }
        }
    }

    [Test]
    public void Wait_NegativeTimeout_BlocksUntilReady()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In);
            using var writer = new System.Threading.Timer(_ => Peers.Write(w), null, 100, System.Threading.Timeout.Infinite);
            var events = new EpollEvent[1];
            var sw = Stopwatch.StartNew();

            ep.Wait(events, -7).Should().Be(1);

            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
            events[0].Fd.Should().Be(r);
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    // ---- Poll(timeout, maxEvents) ----

    [Test]
    public void Poll_ZeroTimeout_ReturnsImmediately()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In);
            var sw = Stopwatch.StartNew();

            ep.Poll(0).Should().BeEmpty();

            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(0.5));
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void Poll_PositiveTimeout_WaitsAtLeastThatLong()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In);
            var sw = Stopwatch.StartNew();

            ep.Poll(0.2).Should().BeEmpty();

            sw.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(195)).And.BeLessThan(TimeSpan.FromSeconds(2));
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void Poll_WithNothingRegistered_SleepsForTheTimeout()
    {
        using var ep = new EpollInstance();
        var sw = Stopwatch.StartNew();

        ep.Poll(0.2).Should().BeEmpty();

        sw.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(195)).And.BeLessThan(TimeSpan.FromSeconds(2));
    }

    [Test]
    public void Poll_ReadyFd_ReturnsBeforeTheTimeout()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In);
            Peers.Write(w);
            var sw = Stopwatch.StartNew();

            ep.Poll(30).Should().Equal((r, EpollEvents.In));

            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [TestCase(double.PositiveInfinity)]
    [TestCase(-1.0)]
    [TestCase(-0.5)]
    public void Poll_InfiniteOrNegativeTimeout_BlocksUntilReady(double timeout)
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In);
            using var writer = new System.Threading.Timer(_ => Peers.Write(w), null, 150, System.Threading.Timeout.Infinite);
            var sw = Stopwatch.StartNew();

            ep.Poll(timeout).Should().Equal((r, EpollEvents.In));

            sw.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(100)).And.BeLessThan(TimeSpan.FromSeconds(10));
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void Poll_NaN_ThrowsArgumentException()
    {
        using var ep = new EpollInstance();

        ep.Invoking(e => e.Poll(double.NaN)).Should().ThrowExactly<ArgumentException>().Which.ParamName.Should().Be("timeoutSeconds");
    }

    [Test]
    public void Poll_TimeoutAboveIntMaxMilliseconds_ThrowsArgumentOutOfRange()
    {
        using var ep = new EpollInstance();

        ep.Invoking(e => e.Poll(int.MaxValue / 1000.0 + 1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [TestCase(0)]
    [TestCase(-2)]
    [TestCase(int.MinValue)]
    public void Poll_MaxEventsZeroOrBelowMinusOne_ThrowsArgumentOutOfRange(int maxEvents)
    {
        using var ep = new EpollInstance();

        ep.Invoking(e => e.Poll(0, maxEvents)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("maxEvents");
    }

    [Test]
    public void Poll_MaxEvents_CapsTheResult()
    {
        var pipes = Enumerable.Range(0, 3).Select(_ => Peers.Pipe()).ToArray();
        try
        {
            using var ep = new EpollInstance();
            foreach (var (r, w) in pipes)
            {
                ep.Register(r, EpollEvents.In);
                Peers.Write(w);
            }

            ep.Poll(0, 1).Should().HaveCount(1);
            ep.Poll(0, 2).Should().HaveCount(2);
            ep.Poll(0).Should().HaveCount(3).And.OnlyContain(e => e.Events == EpollEvents.In);
            ep.Poll(0, 10).Select(e => e.Fd).Should().BeEquivalentTo(pipes.Select(p => p.Read));
        }
        finally
        {
            foreach (var (r, w) in pipes)
            {
                Peers.Close(r, w);
            }
        }
    }

    [Test]
    public void ClosedFd_StillOnInterestList_IsNeverReported()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            using var ep = new EpollInstance();
            ep.Register(r, EpollEvents.In);
            Peers.Write(w);
            ep.Poll(0).Should().HaveCount(1);

            Peers.Close(r); // the last reference: the kernel drops the registration with the open file description

            ep.Poll(0.05).Should().BeEmpty();
        }
        finally
        {
            Peers.Close(w);
        }
    }
}
