using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Sockets;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Loop;

/// <summary>
/// <see cref="SelectorLoop"/> on every backend, with real socket pairs: dispatch of key callbacks, the order of a
/// turn, timers, the thread-safe members, exceptions and allocation. Every loop run here is bounded in turns and time.
/// Split by topic over partial files.
/// </summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.Selectors))]
public sealed partial class SelectorLoopTests(string backend)
{
    /// <summary>The most any wait in these tests may take: generous, for a loaded 2-core machine.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly List<Socket> _sockets = new();
    private readonly List<LoopThread> _threads = new();
    private SelectorLoop _loop = null!;

    [SetUp]
    public void CreateLoop() =>
        _loop = new SelectorLoop(backend == "Default" ? new DefaultSelector() : SelectorFactory.Create(Enum.Parse<SelectorBackend>(backend)), ownsSelector: true);

    [TearDown]
    public void DisposeEverything()
    {
        foreach (LoopThread thread in _threads)
        {
            // A test that failed half-way may have left its loop running: stop it, so the loop can be disposed.
            _loop.Stop();
            thread.Join(Bound);
        }

        _loop.Dispose();
        foreach (Socket socket in _sockets)
        {
            socket.Dispose();
        }

        _threads.Clear();
        _sockets.Clear();
    }

    /// <summary>A connected socket pair (<see cref="Peers.SocketPair"/>: Unix sockets; loopback TCP on Windows), disposed after the test.</summary>
    private (Socket A, Socket B) Pair()
    {
        var (a, b) = Peers.SocketPair();
        _sockets.Add(a);
        _sockets.Add(b);
        return (a, b);
    }

    /// <summary>A socket with a byte to read (so it stays readable, level-triggered), and its peer.</summary>
    private (Socket Readable, Socket Peer) ReadablePair()
    {
        var (a, b) = Pair();
        b.Send(new byte[] { 1 });
        return (a, b);
    }

    /// <summary>Runs <see cref="SelectorLoop.RunForever"/> on a new background thread, stopped and joined at tear-down.</summary>
    private LoopThread StartLoopThread()
    {
        var thread = new LoopThread(_loop, $"loop {backend}");
        _threads.Add(thread);
        return thread;
    }

    /// <summary>Runs turns until <paramref name="done"/> holds, at most 1,000 turns and <see cref="Bound"/>.</summary>
    private void RunUntil(Func<bool> done)
    {
        var clock = Stopwatch.StartNew();
        for (int turn = 0; turn < 1000 && !done() && clock.Elapsed < Bound; turn++)
        {
            _loop.RunOnce(TimeSpan.FromMilliseconds(100));
        }

        Assert.That(done(), $"the loop did not get there within 1,000 turns and {Bound}");
    }

    private static TimeSpan Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }
}
