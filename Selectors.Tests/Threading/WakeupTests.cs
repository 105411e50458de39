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
[TestFixture("Epoll")]
[TestFixture("Poll")]
[TestFixture("PollPipe")]
[TestFixture("Select")]
[TestFixture("Default")]
public class WakeupTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly string _backend;
    private readonly List<IDisposable> _disposables = new();
    private BaseSelector _selector = null!;

    public WakeupTests(string backend) => _backend = backend;

    [SetUp]
    public void CreateSelector() => _selector = SelectorFactory.Create(_backend);

    [TearDown]
    public void DisposeEverything()
    {
        _selector.Close();
        _disposables.ForEach(disposable => disposable.Dispose());
        _disposables.Clear();
    }

    [Test]
    public void AWakeupFromAnotherThreadEndsABlockedSelect_AndIsToldApartFromATimeout()
    {
        Socket idle = RegisteredIdleSocket();
        var selecting = new SelectingThread<(int Count, bool WokenUp)>(() => (_selector.Select(30.0).Count, _selector.WokenUp));
        selecting.Blocked(Patience).Should().BeTrue("the Select is waiting in the kernel");

        _selector.Wakeup();

        selecting.Result.Wait(Patience).Should().BeTrue("Wakeup ended the wait");
        selecting.Result.Result.Should().Be((0, true));
        _selector.Select(0.05).Should().BeEmpty();
        _selector.WokenUp.Should().BeFalse("that one timed out");
        idle.Connected.Should().BeTrue();
    }

    [Test]
    public void AWakeupBeforeSelectIsKept_AndConsumedByOneSelect()
    {
        RegisteredIdleSocket();
        _selector.Wakeup();

        TimeSpan first = Time(() => _selector.Select(30.0).Should().BeEmpty());
        _selector.WokenUp.Should().BeTrue();
        first.Should().BeLessThan(TimeSpan.FromSeconds(5), "a wakeup that came first is not lost");

        TimeSpan second = Time(() => _selector.Select(0.2).Should().BeEmpty());
        _selector.WokenUp.Should().BeFalse();
        second.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190), "the wakeup was consumed: the next Select waits");
    }

    [Test]
    public void ManyWakeupsBeforeTheSelectorWakesCostOneSignal()
    {
        RegisteredIdleSocket();
        long before = _selector.Engine.Waker.SignalCount;

        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 250; i++)
            {
                _selector.Wakeup();
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        (_selector.Engine.Waker.SignalCount - before).Should().Be(1, "1,000 wakeups before the selector drained coalesce into one write");
        if (_selector.Backend != SelectorBackend.Select && _backend != "PollPipe")
        {
            EventFdCount(_selector.Engine.Waker.Fd).Should().Be(1, "the eventfd counter shows the one write");
        }

        _selector.Select(0).Should().BeEmpty();
        _selector.WokenUp.Should().BeTrue();
        _selector.Wakeup();
        (_selector.Engine.Waker.SignalCount - before).Should().Be(2, "after the drain the next wakeup signals again");
    }

    [Test]
    public void AWakeupDoesNotHideReadyKeys()
    {
        var (a, peer) = Track(Peers.SocketPair());
        SelectorKey key = _selector.Register(a, SelectorEvents.Read);
        peer.Send(new byte[] { 1 });
        _selector.Wakeup();

        _selector.Select(1.0).Should().Equal(new[] { (key, SelectorEvents.Read) });
        _selector.WokenUp.Should().BeTrue();
    }

    [Test]
    public void WakeupAfterCloseThrowsObjectDisposed()
    {
        _selector.Close();
        _selector.Invoking(s => s.Wakeup()).Should().Throw<ObjectDisposedException>();
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
                _selector.Wakeup();
            });
            waker.Start();
            go.Set();
            TimeSpan took = Time(() => _selector.Select(10.0));
            waker.Join();
            _selector.WokenUp.Should().BeTrue($"round {round}");
            took.Should().BeLessThan(TimeSpan.FromSeconds(5), $"round {round} was woken, not timed out");
        }
    }

    private Socket RegisteredIdleSocket()
    {
        var (a, _) = Track(Peers.SocketPair());
        _selector.Register(a, SelectorEvents.Read);
        return a;
    }

    private (Socket A, Socket B) Track((Socket A, Socket B) pair)
    {
        _disposables.Add(pair.A);
        _disposables.Add(pair.B);
        return pair;
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
