using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Conformance;

/// <summary>
/// The conformance suite: every applicable point of Python's behaviour (listed in docs/spec-coverage.md), run once per
/// backend. Test names start with the point they check (e.g. <c>D2_</c>). Split by topic over partial files.
/// </summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.Selectors))]
public partial class SelectorConformanceTests
{
    private readonly string _backend;
    private readonly List<IDisposable> _disposables = new();
    private readonly List<int> _fds = new();
    private BaseSelector _selector = null!;

    public SelectorConformanceTests(string backend) => _backend = backend;

    /// <summary>Whether this backend watches sockets only (Socket.Select, the AFD driver).</summary>
    private bool SocketsOnly => _selector.Backend is SelectorBackend.Select or SelectorBackend.Afd;

    [SetUp]
    public void CreateSelector() => _selector = NewSelector();

    [TearDown]
    public void DisposeEverything()
    {
        _selector.Close();
        foreach (IDisposable disposable in _disposables)
        {
            disposable.Dispose();
        }

        Peers.Close(_fds.ToArray());
        _disposables.Clear();
        _fds.Clear();
    }

    private BaseSelector NewSelector() =>
        _backend == "Default" ? new DefaultSelector() : SelectorFactory.Create(Enum.Parse<SelectorBackend>(_backend));

    /// <summary>A connected socket pair (<see cref="Peers.SocketPair"/>: Unix sockets; loopback TCP on Windows), disposed after the test.</summary>
    private (Socket A, Socket B) SocketPair()
    {
        var (a, b) = Peers.SocketPair();
        _disposables.Add(a);
        _disposables.Add(b);
        return (a, b);
    }

    /// <summary>A connected TCP pair on 127.0.0.1, disposed after the test.</summary>
    private (Socket Server, Socket Client) TcpPair()
    {
        var (server, client) = Peers.TcpPair();
        _disposables.Add(server);
        _disposables.Add(client);
        return (server, client);
    }

    /// <summary>A pipe as raw descriptors, closed after the test.</summary>
    private (int Read, int Write) Pipe()
    {
        var (read, write) = Peers.Pipe();
        _fds.Add(read);
        _fds.Add(write);
        return (read, write);
    }

    /// <summary>
    /// Closes a descriptor from <see cref="Pipe"/> now, and forgets it: closing it again at tear-down could close a
    /// reused number that belongs to someone else by then.
    /// </summary>
    private void CloseNow(int fd)
    {
        _fds.Remove(fd);
        Peers.Close(fd);
    }

    /// <summary>Keeps <paramref name="disposable"/> until the test ends.</summary>
    private T Track<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    /// <summary>Selects once with <paramref name="timeoutSeconds"/> and returns descriptor → events.</summary>
    private Dictionary<int, SelectorEvents> Ready(double timeoutSeconds = 1.0) =>
        _selector.Select(timeoutSeconds).ToDictionary(entry => entry.Key.Fd, entry => entry.Events);

    /// <summary>The events reported for <paramref name="key"/> by one select (None if not reported).</summary>
    private SelectorEvents EventsOf(SelectorKey key, double timeoutSeconds = 1.0) =>
        Ready(timeoutSeconds).GetValueOrDefault(key.Fd);

    /// <summary>How long <paramref name="action"/> takes.</summary>
    private static TimeSpan Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start);
    }
}
