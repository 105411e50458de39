using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Threading;

/// <summary>Wakeup (beyond Python; Java NIO's wakeup): thread-safe, sticky, coalesced, told apart from a timeout.</summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.SelectorsAndPollPipe))]
public class WakeupTests : SelectorFixture
{
    public WakeupTests(string backend)
        : base(backend)
    {
    }

    [Test]
    public void AWakeupFromAnotherThreadEndsABlockedSelect_AndIsToldApartFromATimeout()
    {
        Socket idle = RegisteredIdleSocket();
        var selecting = new SelectingThread<(int Count, bool WokenUp)>(() => (Selector.Select(30.0).Count, Selector.WokenUp));
        selecting.Blocked(Patience).Should().BeTrue("the Select is waiting in the kernel");

        Selector.Wakeup();

        selecting.Result.Wait(Patience).Should().BeTrue("Wakeup ended the wait");
        selecting.Result.Result.Should().Be((0, true));
        Selector.Select(0.05).Should().BeEmpty();
        Selector.WokenUp.Should().BeFalse("that one timed out");
        idle.Connected.Should().BeTrue();
    }

    [Test]
    public void AWakeupBeforeSelectIsKept_AndConsumedByOneSelect()
    {
        RegisteredIdleSocket();
        Selector.Wakeup();

        TimeSpan first = Time(() => Selector.Select(30.0).Should().BeEmpty());
        Selector.WokenUp.Should().BeTrue();
        first.Should().BeLessThan(TimeSpan.FromSeconds(5), "a wakeup that came first is not lost");

        TimeSpan second = Time(() => Selector.Select(0.2).Should().BeEmpty());
        Selector.WokenUp.Should().BeFalse();
        second.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190), "the wakeup was consumed: the next Select waits");
    }

    [Test]
    public void ManyWakeupsBeforeTheSelectorWakesCostOneSignal()
    {
        RegisteredIdleSocket();
        long before = Selector.Engine.Waker.SignalCount;

        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 250; i++)
            {
                Selector.Wakeup();
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        (Selector.Engine.Waker.SignalCount - before).Should().Be(1, "1,000 wakeups before the selector drained coalesce into one write");
        if (Selector.Engine.Waker is Selectors.Wakers.EventFdWaker eventFd)
        {
            EventFdCount(eventFd.Fd).Should().Be(1, "the eventfd counter shows the one write");
        }

        Selector.Select(0).Should().BeEmpty();
        Selector.WokenUp.Should().BeTrue();
        Selector.Wakeup();
        (Selector.Engine.Waker.SignalCount - before).Should().Be(2, "after the drain the next wakeup signals again");
    }

    [Test]
    public void AWakeupDoesNotHideReadyKeys()
    {
        var (a, peer) = Pair();
        SelectorKey key = Selector.Register(a, SelectorEvents.Read);
        peer.Send(new byte[] { 1 });
        Selector.Wakeup();

        Selector.Select(1.0).Should().Equal(new[] { (key, SelectorEvents.Read) });
        Selector.WokenUp.Should().BeTrue();
    }

    [Test]
    public void WakeupAfterCloseDoesNothing()
    {
        Selector.Close();
        Selector.Invoking(s => s.Wakeup()).Should().NotThrow("a stop request that races a close must not crash the thread that asked (Java's wakeup() after close is a no-op)");
        Selector.Invoking(s => s.Select(0)).Should().Throw<ObjectDisposedException>("the selector is still closed");
    }

    [Test]
    public void WakeupsRacingCloseNeverThrow()
    {
        // Each round: one thread wakes as fast as it can while this one closes the selector under it.
        for (int round = 0; round < 50; round++)
        {
            BaseSelector selector = SelectorFactory.Create(BackendName);
            Exception? failure = null;
            using var closed = new ManualResetEventSlim();
            var waker = new Thread(() =>
            {
                try
                {
                    for (int i = 0; i < 100_000 && !closed.IsSet; i++)
                    {
                        selector.Wakeup();
                    }

                    selector.Wakeup();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            }) { IsBackground = true, Name = "waker" };
            waker.Start();
            Thread.Sleep(round % 3);
            selector.Close();
            closed.Set();
            waker.Join(Patience).Should().BeTrue("the waking thread must finish");
            failure.Should().BeNull("Wakeup racing Close must not throw (round {0})", round);
        }
    }

    [Test]
    public void WakeupsRacingManySelectsAreNeverLost()
    {
        // Each round: a Select blocks, another thread wakes it; 200 rounds, every one must end by the wakeup.
        RegisteredIdleSocket();
        for (int round = 0; round < 200; round++)
        {
            using var go = new ManualResetEventSlim();
            var waker = new Thread(() =>
            {
                go.Wait();
                Selector.Wakeup();
            });
            waker.Start();
            go.Set();
            TimeSpan took = Time(() => Selector.Select(10.0));
            waker.Join();
            Selector.WokenUp.Should().BeTrue($"round {round}");
            took.Should().BeLessThan(TimeSpan.FromSeconds(5), $"round {round} was woken, not timed out");
        }
    }

    private Socket RegisteredIdleSocket()
    {
        var (a, _) = Pair();
        Selector.Register(a, SelectorEvents.Read);
        return a;
    }

    private static long EventFdCount(int fd)
    {
        string line = File.ReadAllLines($"/proc/self/fdinfo/{fd}").Single(l => l.StartsWith("eventfd-count:", StringComparison.Ordinal));
        return Convert.ToInt64(line.Split(':')[1].Trim(), 16);
    }

    private static TimeSpan Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start);
    }
}
