using System.Collections.Generic;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Selectors.Benchmarks.Micro;
using Selectors.Epoll;

namespace Selectors.Benchmarks.Bdn;

/// <summary>The lower layer: <see cref="EpollInstance.Wait"/> with N registered sockets, 10 ready; and an ADD+DEL pair.</summary>
[MemoryDiagnoser]
public class EpollInstanceBenchmarks
{
    private UdpFixture _fixture = null!;
    private EpollInstance _epoll = null!;
    private EpollEvent[] _events = [];
    private int _spare;

    /// <summary>Registered descriptors, 10 of them ready.</summary>
    [Params(10, 100, 1000, 10000)]
    public int N { get; set; }

    /// <summary>Registers N sockets (10 readable).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _fixture = new UdpFixture(N, DotnetMicro.Ready);
        _epoll = new EpollInstance();
        foreach (Socket socket in _fixture.Sockets)
        {
            _epoll.Register((int)socket.Handle, EpollEvents.In);
        }

        _events = new EpollEvent[N];
        _spare = (int)_fixture.Spare.Handle;
    }

    /// <summary>Closes the instance and the sockets.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _epoll.Dispose();
        _fixture.Dispose();
    }

    /// <summary>epoll_wait into a buffer of N events, timeout 0.</summary>
    [Benchmark]
    public int Wait() => _epoll.Wait(_events, 0);

    /// <summary>epoll_ctl ADD then DEL.</summary>
    [Benchmark]
    public int RegisterUnregister()
    {
        _epoll.Register(_spare, EpollEvents.In);
        _epoll.Unregister(_spare);
        return _spare;
    }
}
