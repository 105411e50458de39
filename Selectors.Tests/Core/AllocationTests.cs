using System;
using System.Collections.Generic;
using System.Net.Sockets;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Core;

/// <summary>
/// Allocation is deterministic, so it is tested (speed is not; see Selectors.Benchmarks): the span-filling Select
/// allocates nothing in steady state, the Python-shaped Select allocates only its result list, and a registration
/// costs a bounded number of managed bytes.
/// </summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.Backends))]
[NonParallelizable]
public sealed class AllocationTests(SelectorBackend backend)
{
    private const int Registered = 20;
    private const int ReadyCount = 10;
    private readonly List<Socket> _sockets = new();
    private BaseSelector _selector = null!;

    [SetUp]
    public void RegisterTwentyOfWhichTenAreReady()
    {
        _selector = SelectorFactory.Create(backend);
        for (int i = 0; i < Registered; i++)
        {
            var (a, b) = Peers.SocketPair();
            _sockets.Add(a);
            _sockets.Add(b);
            _selector.Register(a, SelectorEvents.Read, i);
            if (i < ReadyCount)
            {
                b.Send(new byte[] { 1 });
            }
        }
    }

    [TearDown]
    public void CloseEverything()
    {
        _selector.Dispose();
        _sockets.ForEach(s => s.Dispose());
        _sockets.Clear();
    }

    [TestCase(0.0)]
    [TestCase(1.0)]
    public void SpanSelectAllocatesNothingInSteadyState(double timeoutSeconds)
    {
        var buffer = new (SelectorKey Key, SelectorEvents Events)[64];
        _selector.Select(buffer.AsSpan(), timeoutSeconds).Should().Be(ReadyCount);

        int total = 0;
        long allocated = Allocations.Least(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                total += _selector.Select(buffer.AsSpan(), timeoutSeconds);
            }
        });

        total.Should().Be(Allocations.Windows * 100 * ReadyCount);
        allocated.Should().Be(0, "the zero-allocation Select must not allocate per call");
    }

    [Test]
    public void SpanSelectWithASmallBufferLosesNothing()
    {
        var buffer = new (SelectorKey Key, SelectorEvents Events)[3];
        var seen = new HashSet<int>();
        for (int i = 0; i < 20 && seen.Count < ReadyCount; i++)
        {
            int count = _selector.Select(buffer.AsSpan(), 1.0);
            count.Should().BeInRange(1, 3);
            for (int j = 0; j < count; j++)
            {
                seen.Add((int)buffer[j].Key.Data!);
                _sockets[2 * (int)buffer[j].Key.Data!].Receive(new byte[1]); // consume, so others come next
            }
        }

        seen.Should().BeEquivalentTo(System.Linq.Enumerable.Range(0, ReadyCount));
    }

    [Test]
    public void ListSelectAllocatesOnlyItsResultList()
    {
        _selector.Select(0).Should().HaveCount(ReadyCount);
        long before = GC.GetAllocatedBytesForCurrentThread();
        IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> result = _selector.Select(0);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        var list = new List<(SelectorKey Key, SelectorEvents Events)>(ReadyCount);
        long listBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        result.Should().HaveCount(ReadyCount);
        list.Capacity.Should().Be(ReadyCount);
        allocated.Should().Be(listBytes, "a list sized to the ready descriptors, and nothing else");
    }

    [Test]
    public void WalkingTheListSelectsResultWithForeachAllocatesNothing()
    {
        IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> result = _selector.Select(0);
        var data = new List<object?>(ReadyCount);
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach ((SelectorKey key, SelectorEvents _) in result)
        {
            data.Add(key.Data);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        data.Should().BeEquivalentTo(System.Linq.Enumerable.Range(0, ReadyCount));
        allocated.Should().Be(0, "the result is its own enumerator the first time, where a List<T> seen as IReadOnlyList<T> boxes one");
    }

    [Test]
    public void ARegistrationCostsABoundedNumberOfManagedBytes()
    {
        // Measured with 520 registered, just after the tables double (the worst point): everywhere the key (40 bytes),
        // the registration (40) and its slot in the map (a hash table of references, half full at most). Epoll adds its
        // slot table (129 bytes in all at 1,000 registrations, 175 here); poll its own table, the pollfd array and its
        // index (305); select a record with the wrapper Socket for Socket.Select. Epoll keeps its interest set in the
        // kernel: issue 12's target of 150 bytes is epoll's, at 1,000 (compare measures it).
        long bound = backend switch
        {
            SelectorBackend.Epoll => 200,
            SelectorBackend.Poll => 320,
            _ => 450, // the wrapper Socket for Socket.Select and its record
        };
        MeasureRegistrationBytes().Should().BeLessThanOrEqualTo(bound);
    }

    /// <summary>Managed bytes per Register of an already-open socket, amortised over 500 registrations.</summary>
    private long MeasureRegistrationBytes()
    {
        const int count = 500;
        var pairs = new List<Socket>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var (a, b) = Peers.SocketPair();
                pairs.Add(a);
                pairs.Add(b);
                _ = a.SafeHandle; // expose the handle first: that is the socket's cost, not the selector's
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < count; i++)
            {
                _selector.Register(pairs[2 * i], SelectorEvents.Read);
            }

            long perRegistration = (GC.GetAllocatedBytesForCurrentThread() - before) / count;
            TestContext.Out.WriteLine($"{backend}: {perRegistration} managed bytes per registration");
            return perRegistration;
        }
        finally
        {
            foreach (Socket socket in pairs)
            {
                if (_selector.GetMap().Contains(socket))
                {
                    _selector.Unregister(socket);
                }

                socket.Dispose();
            }
        }
    }
}
