using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Selectors.Benchmarks.Micro;

namespace Selectors.Benchmarks.Bdn;

/// <summary>
/// The selector operations, per backend: Select of N registered sockets of which 10 are ready (both shapes, the list walked),
/// Register+Unregister, Modify of the events, Modify of the data only, GetKey. The backends derive from this.
/// </summary>
[MemoryDiagnoser]
public abstract class SelectorBenchmarks
{
    private readonly object _dataA = new();
    private readonly object _dataB = new();
    private UdpFixture _fixture = null!;
    private BaseSelector _selector = null!;
    private (SelectorKey Key, SelectorEvents Events)[] _buffer = [];
    private Socket _target = null!;
    private bool _flip;

    /// <summary>Registered descriptors, 10 of them ready.</summary>
    [ParamsSource(nameof(Sizes))]
    public int N { get; set; }

    /// <summary>The sizes measured: 10 to 10,000, up to <see cref="MaxSize"/>.</summary>
    /// <remarks>Not virtual: BenchmarkDotNet finds a ParamsSource member by name and fails on an override's two matches.</remarks>
    public IEnumerable<int> Sizes => new[] { 10, 100, 1000, 10000 }.Where(n => n <= MaxSize);

    /// <summary>The largest N this backend is measured at.</summary>
    protected virtual int MaxSize => 10000;

    /// <summary>Registers N sockets (10 readable) with a new selector of the backend.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _fixture = new UdpFixture(N, DotnetMicro.Ready);
        _selector = CreateSelector();
        foreach (Socket socket in _fixture.Sockets)
        {
            _selector.Register(socket, SelectorEvents.Read, _dataA);
        }

        _buffer = new (SelectorKey Key, SelectorEvents Events)[N];
        _target = _fixture.Sockets[1]; // idle: 10 ready ones sit at multiples of N/10
    }

    /// <summary>Closes the selector and the sockets.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _selector.Dispose();
        _fixture.Dispose();
    }

    /// <summary>The zero-allocation Select into a caller's buffer.</summary>
    [Benchmark]
    public int SelectSpan() => _selector.Select(_buffer, 0);

    /// <summary>The Python-shaped Select, returning a new list, walked by a <c>foreach</c> that reads each key as a user's loop does.</summary>
    [Benchmark]
    public int SelectList() => DotnetMicro.WalkSelectList(_selector);

    /// <summary>Register and Unregister of one more socket.</summary>
    [Benchmark]
    public int RegisterUnregister()
    {
        _selector.Register(_fixture.Spare, SelectorEvents.Read);
        return _selector.Unregister(_fixture.Spare).Fd;
    }

    /// <summary>Modify of the events (Read ↔ Read|Write): one system call on epoll.</summary>
    [Benchmark]
    public SelectorKey ModifyEvents()
    {
        _flip = !_flip;
        return _selector.Modify(_target, _flip ? SelectorEvents.Read | SelectorEvents.Write : SelectorEvents.Read, _dataA);
    }

    /// <summary>Modify of the data only: no system call, a new key.</summary>
    [Benchmark]
    public SelectorKey ModifyData()
    {
        _flip = !_flip;
        return _selector.Modify(_target, SelectorEvents.Read, _flip ? _dataB : _dataA);
    }

    /// <summary>GetKey of a registered socket.</summary>
    [Benchmark]
    public SelectorKey GetKey() => _selector.GetKey(_target);

    /// <summary>A new, empty selector of the backend under test.</summary>
    protected abstract BaseSelector CreateSelector();
}

/// <summary><see cref="SelectorBenchmarks"/> on <see cref="EpollSelector"/>.</summary>
public class EpollSelectorBenchmarks : SelectorBenchmarks
{
    /// <inheritdoc />
    protected override BaseSelector CreateSelector() => new EpollSelector();
}

/// <summary><see cref="SelectorBenchmarks"/> on <see cref="PollSelector"/>.</summary>
public class PollSelectorBenchmarks : SelectorBenchmarks
{
    /// <inheritdoc />
    protected override BaseSelector CreateSelector() => new PollSelector();
}

/// <summary><see cref="SelectorBenchmarks"/> on <see cref="SelectSelector"/>, up to N = 1,000.</summary>
public class SelectSelectorBenchmarks : SelectorBenchmarks
{
    /// <inheritdoc />
    protected override int MaxSize => 1000;

    /// <inheritdoc />
    protected override BaseSelector CreateSelector() => new SelectSelector();
}
