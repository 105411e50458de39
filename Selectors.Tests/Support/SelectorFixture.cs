using System;
using System.Collections.Generic;
using System.Net.Sockets;
using NUnit.Framework;

namespace Selectors.Tests.Support;

/// <summary>
/// A fixture parameterised by a selector name (see <see cref="SelectorFactory.Create(string)"/>): a fresh selector per
/// test, closed after it with every socket pair the test took.
/// </summary>
public abstract class SelectorFixture
{
    /// <summary>How long a test waits for something that should happen at once, on a loaded 2-core machine.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly List<IDisposable> _disposables = new();

    protected SelectorFixture(string backend) => BackendName = backend;

    /// <summary>The fixture's selector name: a backend, <c>Default</c> or <c>PollPipe</c>.</summary>
    protected string BackendName { get; }

    /// <summary>This test's selector.</summary>
    protected BaseSelector Selector { get; private set; } = null!;

    [SetUp]
    public void CreateSelector() => Selector = SelectorFactory.Create(BackendName);

    [TearDown]
    public void DisposeEverything()
    {
        Selector.Close();
        _disposables.ForEach(disposable => disposable.Dispose());
        _disposables.Clear();
    }

    /// <summary>A connected socket pair (<see cref="Peers.SocketPair"/>: Unix sockets; loopback TCP on Windows), disposed after the test.</summary>
    protected (Socket A, Socket B) Pair()
    {
        var pair = Peers.SocketPair();
        _disposables.Add(pair.A);
        _disposables.Add(pair.B);
        return pair;
    }
}
