using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Core;

/// <summary>
/// Spec L1–L5 (PEP 475): real SIGWINCH signals, aimed with tgkill at the thread blocked in Select, must neither end the
/// wait early nor restart its full timeout: the wait is retried against the original monotonic deadline.
/// </summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.Backends))]
[NonParallelizable]
[Platform("Linux")]
public sealed class SignalInterruptionTests(SelectorBackend backend)
{
    private static readonly TimeSpan StormInterval = TimeSpan.FromMilliseconds(10);
    private readonly List<Socket> _moreSockets = new();
    private SignalCounter _counter = null!;
    private Socket _a = null!;
    private Socket _b = null!;
    private BaseSelector _selector = null!;

    [SetUp]
    public void CountSignalsAndOpenASelectorAndASocketPair()
    {
        _counter = new SignalCounter();
        (_a, _b) = Peers.SocketPair();
        _selector = SelectorFactory.Create(backend);
    }

    [TearDown]
    public void CloseEverything()
    {
        _selector.Dispose();
        _a.Dispose();
        _b.Dispose();
        _moreSockets.ForEach(socket => socket.Dispose());
        _moreSockets.Clear();
        _counter.Dispose();
    }

    [Test]
    public void L2_OneSignal_DuringSelect_ReturnsEmptyAtTheOriginalDeadline()
    {
        _selector.Register(_a, SelectorEvents.Read);
        using var sender = SignalSender.Once(SignalSender.CurrentThreadId(), TimeSpan.FromSeconds(0.3));

        var watch = Stopwatch.StartNew();
        var ready = _selector.Select(1.0);
        watch.Stop();
        sender.Join();

        TestContext.Out.WriteLine($"{backend}: Select(1.0) with one signal at 0.3 s took {watch.Elapsed.TotalSeconds:F3} s");
        ready.Should().BeEmpty();
        sender.Sent.Should().Be(1);
        _counter.WaitForAtLeast(1, TimeSpan.FromSeconds(5)).Should().BeGreaterThanOrEqualTo(1, "the handler saw the signal");
        watch.Elapsed.TotalSeconds.Should().BeInRange(0.9, 2.0, "the wait resumes with the time left, not the full timeout (1.3 s)");
    }

    [Test]
    public void L2_SignalStorm_TimeoutStillHolds()
    {
        _selector.Register(_a, SelectorEvents.Read);
        using var storm = SignalSender.Storm(SignalSender.CurrentThreadId(), StormInterval, TimeSpan.FromSeconds(4));

        var watch = Stopwatch.StartNew();
        var ready = _selector.Select(0.5);
        watch.Stop();
        storm.Stop();

        int delivered = _counter.WaitForAtLeast(storm.Sent, TimeSpan.FromSeconds(2));
        TestContext.Out.WriteLine($"{backend}: Select(0.5) in a storm took {watch.Elapsed.TotalSeconds:F3} s; sent {storm.Sent}, handled {delivered}");
        ready.Should().BeEmpty();
        storm.Failures.Should().Be(0);
        watch.Elapsed.TotalSeconds.Should().BeGreaterThanOrEqualTo(0.5).And.BeLessThan(2.0, "signals must not restart the timeout");
        delivered.Should().BeGreaterThanOrEqualTo(10, "many signals arrived during the wait");
    }

    [Test]
    public void L2_M1_SignalStorm_NothingRegistered_SleepsForTheTimeout()
    {
        using var storm = SignalSender.Storm(SignalSender.CurrentThreadId(), StormInterval, TimeSpan.FromSeconds(4));

        var watch = Stopwatch.StartNew();
        var ready = _selector.Select(0.5);
        watch.Stop();
        storm.Stop();

        TestContext.Out.WriteLine($"{backend}: empty Select(0.5) in a storm took {watch.Elapsed.TotalSeconds:F3} s; sent {storm.Sent}");
        ready.Should().BeEmpty();
        watch.Elapsed.TotalSeconds.Should().BeGreaterThanOrEqualTo(0.5).And.BeLessThan(2.0);
        _counter.WaitForAtLeast(10, TimeSpan.FromSeconds(2)).Should().BeGreaterThanOrEqualTo(10);
    }

    [Test]
    public void L2_SignalStorm_InfiniteSelect_StillReportsDataWrittenDuringTheStorm()
    {
        SelectorKey key = _selector.Register(_a, SelectorEvents.Read, "a");
        using var storm = SignalSender.Storm(SignalSender.CurrentThreadId(), StormInterval, TimeSpan.FromSeconds(4));
        Thread writer = SelectorFactory.WriteLater(_b, TimeSpan.FromSeconds(0.3));

        var watch = Stopwatch.StartNew();
        var ready = _selector.Select(TimeSpan.FromSeconds(10));
        watch.Stop();
        storm.Stop();
        writer.Join(TimeSpan.FromSeconds(10)).Should().BeTrue();

        TestContext.Out.WriteLine($"{backend}: data at 0.3 s in a storm reported after {watch.Elapsed.TotalSeconds:F3} s; sent {storm.Sent}");
        ready.Should().ContainSingle().Which.Should().Be((key, SelectorEvents.Read));
        watch.Elapsed.TotalSeconds.Should().BeInRange(0.25, 2.0);
        storm.Sent.Should().BeGreaterThan(5, "the storm was running while Select blocked");
    }

    [Test]
    public void L2_SignalStorm_EveryWriteIsReported_NothingLost()
    {
        SelectorKey key = _selector.Register(_a, SelectorEvents.Read);
        using var storm = SignalSender.Storm(SignalSender.CurrentThreadId(), TimeSpan.FromMilliseconds(2), TimeSpan.FromSeconds(8));
        var buffer = new byte[16];
        const int rounds = 20;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < rounds; i++)
        {
            Thread writer = SelectorFactory.WriteLater(_b, TimeSpan.FromMilliseconds(15));
            var ready = _selector.Select(5.0);
            writer.Join(TimeSpan.FromSeconds(10)).Should().BeTrue();
            ready.Should().ContainSingle().Which.Should().Be((key, SelectorEvents.Read), $"round {i}");
            _a.Receive(buffer).Should().Be(1);
        }

        watch.Stop();
        storm.Stop();
        TestContext.Out.WriteLine($"{backend}: {rounds} rounds in a 2 ms storm took {watch.Elapsed.TotalSeconds:F3} s; sent {storm.Sent}");
        watch.Elapsed.TotalSeconds.Should().BeLessThan(6.0);
    }

    [Test]
    public void L2_SignalStorm_DataWrittenBeforeToSeveralSockets_IsAllReportedInOneSelect_NothingLost()
    {
        var pairs = RegisteredPairs(8);
        foreach (var (_, peer, _) in pairs)
        {
            peer.Send(new byte[] { 1 });
        }

        using var storm = SignalSender.Storm(SignalSender.CurrentThreadId(), TimeSpan.FromMilliseconds(2), TimeSpan.FromSeconds(4));
        Thread.Sleep(50); // Let the storm start before the wait, so signals hit Select itself.
        var watch = Stopwatch.StartNew();
        var ready = _selector.Select(5.0);
        watch.Stop();
        storm.Stop();

        TestContext.Out.WriteLine($"{backend}: {pairs.Count} ready sockets in a 2 ms storm reported after {watch.Elapsed.TotalSeconds:F3} s; sent {storm.Sent}");
        ready.Should().BeEquivalentTo(pairs.Select(pair => (pair.Key, SelectorEvents.Read)), "every socket with data is in the one result");
        watch.Elapsed.TotalSeconds.Should().BeLessThan(2.0);
        storm.Failures.Should().Be(0);
    }

    [Test]
    public void L2_SignalStorm_DataWrittenDuringTheWaitToSeveralSockets_IsAllReported_AndTheTimeoutStillHolds_NothingLost()
    {
        var pairs = RegisteredPairs(8);
        using var storm = SignalSender.Storm(SignalSender.CurrentThreadId(), TimeSpan.FromMilliseconds(2), TimeSpan.FromSeconds(8));
        var writer = new Thread(() =>
        {
            foreach (var (_, peer, _) in pairs)
            {
                Thread.Sleep(20);
                SelectorFactory.SendOneByteFromBackground(peer);
            }
        })
        { IsBackground = true, Name = "staggered writer" };
        writer.Start();

        // Each socket gets one byte, and each reported socket is drained: a socket reported twice was reported spuriously.
        var seen = new HashSet<SelectorKey>();
        var buffer = new byte[16];
        var watch = Stopwatch.StartNew();
        while (seen.Count < pairs.Count && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            foreach (var (key, events) in _selector.Select(2.0))
            {
                events.Should().Be(SelectorEvents.Read);
                seen.Add(key).Should().BeTrue($"fd {key.Fd} had one byte and was drained when first reported");
                ((Socket)key.FileObject).Receive(buffer).Should().Be(1);
            }
        }

        writer.Join(TimeSpan.FromSeconds(10)).Should().BeTrue();
        seen.Should().BeEquivalentTo(pairs.Select(pair => pair.Key), "no write was lost to a signal");

        // Still in the storm, with every socket registered and silent: the finite timeout is neither cut short nor stretched.
        var timed = Stopwatch.StartNew();
        _selector.Select(0.5).Should().BeEmpty();
        timed.Stop();
        storm.Stop();

        TestContext.Out.WriteLine($"{backend}: {pairs.Count} staggered writes seen after {watch.Elapsed.TotalSeconds:F3} s, then Select(0.5) took {timed.Elapsed.TotalSeconds:F3} s; sent {storm.Sent}");
        timed.Elapsed.TotalSeconds.Should().BeGreaterThanOrEqualTo(0.5).And.BeLessThan(2.0);
        storm.Failures.Should().Be(0);
        _counter.WaitForAtLeast(10, TimeSpan.FromSeconds(2)).Should().BeGreaterThanOrEqualTo(10, "signals really arrived during the waits");
    }

    /// <summary><paramref name="count"/> socket pairs whose first end is registered for Read; disposed at tear-down.</summary>
    private List<(Socket Ours, Socket Peer, SelectorKey Key)> RegisteredPairs(int count)
    {
        var pairs = new List<(Socket, Socket, SelectorKey)>();
        for (int i = 0; i < count; i++)
        {
            var (ours, peer) = Peers.SocketPair();
            _moreSockets.Add(ours);
            _moreSockets.Add(peer);
            pairs.Add((ours, peer, _selector.Register(ours, SelectorEvents.Read, i)));
        }

        return pairs;
    }
}

/// <summary>Spec L5: the lower layer (EpollInstance.Wait, PollSet.Poll) retries EINTR against the original deadline.</summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.UnixSystemCalls))]
[NonParallelizable]
[Platform("Linux")]
public sealed class LowerLayerSignalInterruptionTests(string primitive)
{
    private (int A, int B) _pair;
    private IDisposable _owner = null!;
    private Func<int, int> _wait = null!;
    private Func<int> _firstReadyFd = null!;

    [SetUp]
    public void WatchOneEndOfASocketPair()
    {
        _pair = Peers.SocketPairFds();
        if (primitive == "epoll")
        {
            var epoll = new Selectors.Epoll.EpollInstance();
            epoll.Register(_pair.A, Selectors.Epoll.EpollEvents.In);
            var events = new Selectors.Epoll.EpollEvent[4];
            (_owner, _wait, _firstReadyFd) = (epoll, timeout => epoll.Wait(events, timeout), () => events[0].Fd);
        }
        else
        {
            var pollSet = new Selectors.Poll.PollSet();
            pollSet.Register(_pair.A, Selectors.Poll.PollEvents.In);
            var results = new Selectors.Poll.PollResult[4];
            (_owner, _wait, _firstReadyFd) = (new NothingToDispose(), timeout => pollSet.Poll(results, timeout), () => results[0].Fd);
        }
    }

    [TearDown]
    public void CloseEverything()
    {
        _owner.Dispose();
        Peers.Close(_pair.A, _pair.B);
    }

    [Test]
    public void L5_LowerLayer_OneSignal_KeepsTheDeadline()
    {
        using var counter = new SignalCounter();
        using var sender = SignalSender.Once(SignalSender.CurrentThreadId(), TimeSpan.FromSeconds(0.3));
        var watch = Stopwatch.StartNew();
        int count = _wait(1000);
        watch.Stop();
        sender.Join();
        TestContext.Out.WriteLine($"{primitive}(1000 ms) with one signal at 0.3 s took {watch.Elapsed.TotalSeconds:F3} s");
        count.Should().Be(0);
        counter.WaitForAtLeast(1, TimeSpan.FromSeconds(5)).Should().BeGreaterThanOrEqualTo(1);
        watch.Elapsed.TotalSeconds.Should().BeInRange(0.9, 2.0);
    }

    [Test]
    public void L5_LowerLayer_SignalStorm_KeepsTheDeadline_AndSeesData()
    {
        using var counter = new SignalCounter();
        using var storm = SignalSender.Storm(SignalSender.CurrentThreadId(), TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(6));
        var watch = Stopwatch.StartNew();
        int count = _wait(500);
        watch.Stop();
        TestContext.Out.WriteLine($"{primitive}(500 ms) in a storm took {watch.Elapsed.TotalSeconds:F3} s; sent {storm.Sent}");
        count.Should().Be(0);
        watch.Elapsed.TotalSeconds.Should().BeGreaterThanOrEqualTo(0.5).And.BeLessThan(2.0);

        // Still in the storm: data written from another thread is reported.
        var writer = new Thread(() =>
        {
            Thread.Sleep(200);
            Peers.Write(_pair.B);
        })
        { IsBackground = true };
        writer.Start();
        bool writerDone;
        try
        {
            watch.Restart();
            count = _wait(5000);
            watch.Stop();
        }
        finally
        {
            // The writer's descriptor is closed at tear-down, and its number may then be reused: the writer must be
            // done with it first, even when the wait threw.
            writerDone = writer.Join(TimeSpan.FromSeconds(10));
        }

        writerDone.Should().BeTrue();
        storm.Stop();
        count.Should().Be(1);
        _firstReadyFd().Should().Be(_pair.A);
        watch.Elapsed.TotalSeconds.Should().BeLessThan(2.0);
        counter.WaitForAtLeast(storm.Sent, TimeSpan.FromSeconds(2)).Should().BeGreaterThanOrEqualTo(10);
    }

    /// <summary>A poll set owns no OS resource.</summary>
    private sealed class NothingToDispose : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
