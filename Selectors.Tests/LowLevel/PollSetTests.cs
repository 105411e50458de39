using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Threading;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Poll;
using Selectors.Tests.Support;

namespace Selectors.Tests.LowLevel;

/// <summary>Python's <c>select.poll</c>, ported: <see cref="PollSet"/> against the real kernel.</summary>
[TestFixture]
public class PollSetTests
{
    private static (int Read, int Write)[] Pipes(int n) => Enumerable.Range(0, n).Select(_ => Peers.Pipe()).ToArray();

    private static void CloseAll((int Read, int Write)[] pipes)
    {
        foreach (var (r, w) in pipes)
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void NewSet_IsEmpty_AndPollWithNothingRegisteredSleepsForTheTimeout()
    {
        var ps = new PollSet();
        ps.Count.Should().Be(0);
        var sw = Stopwatch.StartNew();

        ps.Poll(200).Should().BeEmpty();

        sw.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(195)).And.BeLessThan(TimeSpan.FromSeconds(2));
    }

    [Test]
    public void Register_WithoutMask_UsesInPriOut()
    {
        var (a, b) = Peers.SocketPairFds();
        try
        {
            var ps = new PollSet();
            ps.Register(a);
            ps.Poll(0).Should().Equal([(a, PollEvents.Out)], "an idle socket is writable only");

            Peers.Write(b);
            ps.Poll(0).Should().Equal((a, PollEvents.In | PollEvents.Out));
        }
        finally
        {
            Peers.Close(a, b);
        }
    }

    [Test]
    public void RegisterTwice_UpdatesTheMask_AndKeepsOneEntry()
    {
        var (a, b) = Peers.SocketPairFds();
        try
        {
            var ps = new PollSet();
            ps.Register(a, PollEvents.In);
            ps.Poll(0).Should().BeEmpty();

            ps.Register(a, PollEvents.Out);

            ps.Count.Should().Be(1);
            ps.Contains(a).Should().BeTrue();
            ps.Poll(0).Should().Equal((a, PollEvents.Out));
        }
        finally
        {
            Peers.Close(a, b);
        }
    }

    [Test]
    public void Modify_ChangesTheMask()
    {
        var (a, b) = Peers.SocketPairFds();
        try
        {
            var ps = new PollSet();
            ps.Register(a, PollEvents.Out);
            ps.Poll(0).Should().Equal((a, PollEvents.Out));

            ps.Modify(a, PollEvents.In);
            ps.Poll(0).Should().BeEmpty();

            Peers.Write(b);
            ps.Poll(0).Should().Equal((a, PollEvents.In));
        }
        finally
        {
            Peers.Close(a, b);
        }
    }

    [Test]
    public void ModifyOrUnregisterUnknownFd_ThrowsKeyNotFound()
    {
        var ps = new PollSet();
        ps.Register(5, PollEvents.In);

        ps.Invoking(p => p.Modify(6, PollEvents.In)).Should().Throw<KeyNotFoundException>().WithMessage("*6*");
        ps.Invoking(p => p.Unregister(6)).Should().Throw<KeyNotFoundException>();

        ps.Unregister(5);
        ps.Invoking(p => p.Unregister(5)).Should().Throw<KeyNotFoundException>("it was unregistered already");
        ps.Invoking(p => p.Modify(5, PollEvents.Out)).Should().Throw<KeyNotFoundException>();
        ps.Count.Should().Be(0);
    }

    [Test]
    public void NegativeFd_ThrowsArgumentOutOfRange_OnEveryCall()
    {
        var ps = new PollSet();

        ps.Invoking(p => p.Register(-1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("fd");
        ps.Invoking(p => p.Modify(-1, PollEvents.In)).Should().Throw<ArgumentOutOfRangeException>();
        ps.Invoking(p => p.Unregister(-1)).Should().Throw<ArgumentOutOfRangeException>();
        ps.Count.Should().Be(0);
    }

    [Test]
    public void Register_AcceptsAnyNonNegativeFd_WithoutTouchingTheKernel()
    {
        var ps = new PollSet();

        ps.Register(int.MaxValue, PollEvents.In);
        ps.Register(100_000, PollEvents.In);

        ps.Count.Should().Be(2);
        ps.Contains(int.MaxValue).Should().BeTrue();
    }

    [Test]
    public void UnregisterMiddle_SwapRemove_KeepsTheRestCorrect()
    {
        var pipes = Pipes(5);
        try
        {
            var ps = new PollSet();
            foreach (var (r, _) in pipes)
            {
                ps.Register(r, PollEvents.In);
            }

            foreach (var (_, w) in pipes)
            {
                Peers.Write(w);
            }

            ps.Unregister(pipes[2].Read); // the last entry moves into the middle slot

            ps.Count.Should().Be(4);
            ps.Contains(pipes[2].Read).Should().BeFalse();
            ps.Poll(0).Should().BeEquivalentTo(new[] { 0, 1, 3, 4 }.Select(i => (pipes[i].Read, PollEvents.In)));

            ps.Modify(pipes[4].Read, PollEvents.Out); // the moved entry: its index must have followed it
            ps.Poll(0).Should().BeEquivalentTo(new[] { 0, 1, 3 }.Select(i => (pipes[i].Read, PollEvents.In)));

            ps.Unregister(pipes[0].Read);
            ps.Unregister(pipes[4].Read);
            ps.Poll(0).Should().BeEquivalentTo(new[] { 1, 3 }.Select(i => (pipes[i].Read, PollEvents.In)));

            ps.Register(pipes[2].Read, PollEvents.In);
            ps.Poll(0).Should().BeEquivalentTo(new[] { 1, 2, 3 }.Select(i => (pipes[i].Read, PollEvents.In)));

            ps.Unregister(pipes[1].Read);
            ps.Unregister(pipes[2].Read);
            ps.Unregister(pipes[3].Read);
            ps.Count.Should().Be(0);
            ps.Poll(0).Should().BeEmpty();
        }
        finally
        {
            CloseAll(pipes);
        }
    }

    [Test]
    public void ManyRegistrations_GrowTheArray_AndAllAreReported()
    {
        var pipes = Pipes(40);
        try
        {
            var ps = new PollSet();
            foreach (var (r, w) in pipes)
            {
                ps.Register(r, PollEvents.In);
                Peers.Write(w);
            }

            ps.Count.Should().Be(40);
            ps.Poll(0).Select(e => e.Fd).Should().BeEquivalentTo(pipes.Select(p => p.Read));
        }
        finally
        {
            CloseAll(pipes);
        }
    }

    [Test]
    public void PollList_ReturnsReadyFdsWithRevents_AndOnlyThose()
    {
        var (r, w) = Peers.Pipe();
        var (a, b) = Peers.SocketPairFds();
        var (idle, idleWriter) = Peers.Pipe();
        try
        {
            var ps = new PollSet();
            ps.Register(r, PollEvents.In);
            ps.Register(a, PollEvents.In | PollEvents.Out);
            ps.Register(idle, PollEvents.In);
            Peers.Write(w);
            Peers.Write(b);

            ps.Poll(0).Should().BeEquivalentTo([(r, PollEvents.In), (a, PollEvents.In | PollEvents.Out)]);
        }
        finally
        {
            Peers.Close(r, w, a, b, idle, idleWriter);
        }
    }

    [Test]
    public void PollSpan_FillsCallerSpan_AndAllocatesNothingInSteadyState()
    {
        var (r, w) = Peers.Pipe();
        var (a, b) = Peers.SocketPairFds();
        try
        {
            var ps = new PollSet();
            ps.Register(r, PollEvents.In);
            ps.Register(a, PollEvents.Out);
            Peers.Write(w);
            var results = new PollResult[4];
            ps.Poll(results, 0); // warm-up
            ps.Poll(results, 1);

            int count = 0;
            long allocated = Allocations.Least(() =>
            {
                for (int i = 0; i < 100; i++)
                {
                    count += ps.Poll(results, 0);
                }

                count += ps.Poll(results, 10);
            });

            allocated.Should().Be(0, "Poll(Span) is the zero-allocation wait");
            count.Should().Be(Allocations.Windows * 202);
            results[..2].ToArray().Should().BeEquivalentTo([new PollResult(r, PollEvents.In), new PollResult(a, PollEvents.Out)]);
        }
        finally
        {
            Peers.Close(r, w, a, b);
        }
    }

    [Test]
    public void PollSpan_EmptySpan_ThrowsArgumentException()
    {
        var ps = new PollSet();

        ps.Invoking(p => p.Poll(Span<PollResult>.Empty, 0)).Should().Throw<ArgumentException>();
    }

    [Test]
    public void PollSpan_MoreReadyThanSpan_ReturnsSpanLength_AndNothingStarves()
    {
        var pipes = Pipes(5);
        try
        {
            var ps = new PollSet();
            foreach (var (r, w) in pipes)
            {
                ps.Register(r, PollEvents.In);
                Peers.Write(w);
            }

            var seen = new HashSet<int>();
            var results = new PollResult[2];
            for (int call = 0; call < 3; call++)
            {
                ps.Poll(results, 0).Should().Be(2, "5 fds are ready and the span holds 2");
                seen.Add(results[0].Fd);
                seen.Add(results[1].Fd);
            }

            seen.Should().BeEquivalentTo(pipes.Select(p => p.Read),
                "the documented contract: when more are ready, the rest are reported by the next call (3 calls of 2 cover 5 fds)");
        }
        finally
        {
            CloseAll(pipes);
        }
    }

    [Test]
    public void BadFd_IsReportedWithNval()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            var ps = new PollSet();
            ps.Register(r, PollEvents.In);
            ps.Register(1_000_000, PollEvents.In); // far beyond any descriptor this process has open

            Peers.Write(w);

            ps.Poll(0).Should().BeEquivalentTo([(r, PollEvents.In), (1_000_000, PollEvents.Nval)]);
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void Poll_PositiveTimeout_WaitsAtLeastThatLong_ZeroReturnsAtOnce()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            var ps = new PollSet();
            ps.Register(r, PollEvents.In);

            var sw = Stopwatch.StartNew();
            ps.Poll(0).Should().BeEmpty();
            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(0.5));

            sw.Restart();
            ps.Poll(200).Should().BeEmpty();
            sw.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(195)).And.BeLessThan(TimeSpan.FromSeconds(2));
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void Poll_NegativeTimeout_BlocksUntilReady()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            var ps = new PollSet();
            ps.Register(r, PollEvents.In);
            using var writer = new Timer(_ => Peers.Write(w), null, 150, Timeout.Infinite);
            var sw = Stopwatch.StartNew();

            ps.Poll(-5).Should().Equal((r, PollEvents.In));

            sw.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(100)).And.BeLessThan(TimeSpan.FromSeconds(10));
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void ConcurrentPoll_SecondCallerThrowsInvalidOperation_FirstIsUnaffected()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            var ps = new PollSet();
            ps.Register(r, PollEvents.In);
            IReadOnlyList<(int Fd, PollEvents Events)>? firstResult = null;
            Exception? firstError = null;
            var first = new Thread(() =>
            {
                try
                {
                    firstResult = ps.Poll(30_000);
                }
                catch (Exception e)
                {
                    firstError = e;
                }
            }) { IsBackground = true, Name = "first poller" };
            first.Start();

            try
            {
                WaitUntilPolling(ps, first);

                ps.Invoking(p => p.Poll(0)).Should().Throw<InvalidOperationException>().WithMessage("*oncurrent*");
                var buffer = new PollResult[1];
                ps.Invoking(p => p.Poll(buffer, 0)).Should().Throw<InvalidOperationException>();
            }
            finally
            {
                Peers.Write(w); // wake the first poller whatever happened
                first.Join(TimeSpan.FromSeconds(10)).Should().BeTrue("writing to the pipe wakes the first poller");
            }

            firstError.Should().BeNull();
            firstResult.Should().Equal((r, PollEvents.In));
            ps.Poll(0).Should().Equal([(r, PollEvents.In)], "the set is usable again once the first poll returned");
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void FailedConcurrentPoll_DoesNotReleaseTheFirstCallersClaim()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            var ps = new PollSet();
            ps.Register(r, PollEvents.In);
            var first = new Thread(() => ps.Poll(30_000)) { IsBackground = true };
            first.Start();
            try
            {
                WaitUntilPolling(ps, first);
                ps.Invoking(p => p.Poll(0)).Should().Throw<InvalidOperationException>();

                ps.Invoking(p => p.Poll(0)).Should().Throw<InvalidOperationException>("the first poller is still inside");
            }
            finally
            {
                Peers.Write(w);
                first.Join(TimeSpan.FromSeconds(10)).Should().BeTrue();
            }
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    /// <summary>Waits (at most 10 s) until the thread has claimed the set, i.e. is inside Poll.</summary>
    private static void WaitUntilPolling(PollSet ps, Thread thread)
    {
        var polling = typeof(PollSet).GetField("_polling", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new MissingFieldException(nameof(PollSet), "_polling");
        var sw = Stopwatch.StartNew();
        while ((int)polling.GetValue(ps)! == 0)
        {
            thread.IsAlive.Should().BeTrue("the first poller must still be waiting");
            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the first poller should enter Poll promptly");
            Thread.Sleep(5);
        }

        Thread.Sleep(50); // let it reach the poll(2) call itself; the claim alone already makes the test deterministic
    }
}
