using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Threading;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Epoll;
using Selectors.Poll;
using Selectors.Tests.Support;

namespace Selectors.Tests.LowLevel;

/// <summary>
/// PEP 475 in the lower layer (spec L1-L5): epoll_wait and poll fail with EINTR whenever a signal handler runs on the
/// waiting thread; the wait must be retried against the original deadline, not surface EINTR nor end early.
/// SIGWINCH is sent with tgkill to the waiting thread, with a .NET handler registered so the signal is not ignored.
/// </summary>
[TestFixture("epoll")]
[TestFixture("poll")]
[NonParallelizable]
[SupportedOSPlatform("linux")]
public class InterruptedWaitTests(string backend)
{
    private const int SigWinch = 28; // SIGWINCH on every Linux architecture

    [Test]
    public void TimedWait_InterruptedBySignals_IsRetriedUntilTheOriginalDeadline()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            var (result, elapsed, handled) = WaitWhileSignalled(r, timeoutMs: 500, wakeAfter: null);

            handled.Should().BeGreaterThan(0, "the signals must have reached the handler, or this test proves nothing");
            result.Should().Be(0, "nothing became ready: the interrupted wait must not report anything or throw EINTR");
            elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(495), "the wait must run to the original deadline")
                .And.BeLessThan(TimeSpan.FromSeconds(2), "retries use the remaining time, not the full timeout again");
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    [Test]
    public void InfiniteWait_InterruptedBySignals_KeepsWaitingUntilReady()
    {
        var (r, w) = Peers.Pipe();
        try
        {
            var (result, elapsed, handled) = WaitWhileSignalled(r, timeoutMs: -1, wakeAfter: w);

            handled.Should().BeGreaterThan(0, "the signals must have reached the handler, or this test proves nothing");
            result.Should().Be(1, "the infinite wait ends when the pipe becomes readable, not at the first signal");
            elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300));
        }
        finally
        {
            Peers.Close(r, w);
        }
    }

    /// <summary>
    /// Waits on <paramref name="fd"/> on a new thread while the test thread sends it SIGWINCH every 10 ms (at most 200
    /// times); with <paramref name="wakeAfter"/>, writes to that fd after 300 ms of signals.
    /// </summary>
    private (int Result, TimeSpan Elapsed, int Handled) WaitWhileSignalled(int fd, int timeoutMs, int? wakeAfter)
    {
        int handled = 0;
        using var registration = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, ctx =>
        {
            Interlocked.Increment(ref handled);
            ctx.Cancel = true;
        });

        int tid = 0;
        int result = -1;
        Exception? error = null;
        var elapsed = TimeSpan.Zero;
        using var ep = new EpollInstance();
        var ps = new PollSet();
        ep.Register(fd, EpollEvents.In);
        ps.Register(fd, PollEvents.In);

        var waiter = new Thread(() =>
        {
            Volatile.Write(ref tid, TestInterop.GetTid());
            var sw = Stopwatch.StartNew();
            try
            {
                result = backend == "epoll"
                    ? ep.Wait(new EpollEvent[4], timeoutMs)
                    : ps.Poll(new PollResult[4], timeoutMs);
            }
            catch (Exception e)
            {
                error = e;
            }

            elapsed = sw.Elapsed;
        }) { IsBackground = true, Name = "interrupted waiter" };
        waiter.Start();

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 100 && Volatile.Read(ref tid) == 0; i++)
        {
            Thread.Sleep(10);
        }

        Volatile.Read(ref tid).Should().NotBe(0, "the waiter thread should start");
        int pid = Environment.ProcessId;
        bool woken = false;
        for (int i = 0; i < 200 && waiter.IsAlive; i++)
        {
            Thread.Sleep(10);
            if (waiter.IsAlive)
            {
                _ = TestInterop.TgKill(pid, tid, SigWinch); // ESRCH if it just ended: harmless
            }

            if (wakeAfter is int wakeFd && !woken && clock.Elapsed > TimeSpan.FromMilliseconds(300))
            {
                Peers.Write(wakeFd);
                woken = true;
            }
        }

        if (wakeAfter is int fdToWake && !woken)
        {
            Peers.Write(fdToWake);
        }

        waiter.Join(TimeSpan.FromSeconds(10)).Should().BeTrue("the wait should have ended");
        error.Should().BeNull();
        return (result, elapsed, Volatile.Read(ref handled));
    }
}
