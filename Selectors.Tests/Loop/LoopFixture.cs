using System;
using System.Collections.Generic;
using System.Net.Sockets;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Loop;

/// <summary>
/// A fixture parameterised by a backend name (see <see cref="BackendFixtures.Selectors"/>): a fresh
/// <see cref="SelectorLoop"/> per test that owns its selector, disposed after the test with every socket the test kept.
/// </summary>
public abstract class LoopFixture
{
    private readonly List<Socket> _sockets = new();

    protected LoopFixture(string backend) => BackendName = backend;

    /// <summary>The fixture's backend name: a <see cref="SelectorBackend"/> or <c>Default</c>.</summary>
    protected string BackendName { get; }

    /// <summary>This test's loop.</summary>
    protected SelectorLoop Loop { get; private set; } = null!;

    [SetUp]
    public void CreateLoop() => Loop = new SelectorLoop(NewSelector(), ownsSelector: true);

    [TearDown]
    public void DisposeEverything()
    {
        // The loop first: its selector must not outlive nor watch a socket closed under it.
        Loop.Dispose();
        foreach (Socket socket in _sockets)
        {
            socket.Dispose();
        }

        _sockets.Clear();
    }

    /// <summary>A new selector of the fixture's backend, which the caller owns.</summary>
    protected ISelector NewSelector() =>
        BackendName == BackendFixtures.Default ? new DefaultSelector() : SelectorFactory.Create(Enum.Parse<SelectorBackend>(BackendName));

    /// <summary>A connected loopback TCP pair, both non-blocking, disposed after the test.</summary>
    protected (Socket A, Socket B) TcpPair()
    {
        var (a, b) = Peers.TcpPair();
        return (NonBlocking(a), NonBlocking(b));
    }

    /// <summary>Makes <paramref name="socket"/> non-blocking and keeps it to dispose after the test.</summary>
    protected Socket NonBlocking(Socket socket)
    {
        socket.Blocking = false;
        return Keep(socket);
    }

    /// <summary>Keeps <paramref name="socket"/> to dispose after the test.</summary>
    protected Socket Keep(Socket socket)
    {
        _sockets.Add(socket);
        return socket;
    }
}
