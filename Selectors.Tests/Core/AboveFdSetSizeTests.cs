using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using Mono.Unix;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Core;

/// <summary>
/// CPython's <c>test_above_fd_setsize</c> (spec N4, N10, N14, N18): more than FD_SETSIZE (1,024) descriptors, with
/// descriptor numbers above 1,024, are all watched and all reported in one Select.
/// </summary>
[TestFixtureSource(nameof(PairsPerBackend))]
[NonParallelizable]
[Platform("Linux")]
public sealed class AboveFdSetSizeTests(SelectorBackend backend, int maxPairs)
{
    private const int FdSetSize = 1024;
    private const int Headroom = 256;

    // Select need only pass FD_SETSIZE in descriptor numbers, not in count (see below), and its wait copies lists, so fewer pairs.
    private static IEnumerable<TestFixtureData> PairsPerBackend =>
        BackendFixtures.Backends.Select(b => new TestFixtureData(b, b == SelectorBackend.Select ? 700 : 4000));

    [Test]
    public void N10_N14_AboveFdSetSize_EveryDescriptorIsReported_ThenExactlyTheReadableSubset()
    {
        long limit = ProcessLimits.OpenFilesSoftLimit();
        if (limit < 2100)
        {
            Assert.Ignore($"RLIMIT_NOFILE is {limit}: too low to open more than {FdSetSize} descriptors (needs >= 2,100).");
        }

        long available = limit - ProcessLimits.OpenDescriptors() - Headroom;
        int pairs = (int)Math.Min(maxPairs, available / 2);
        pairs.Should().BeGreaterThan(FdSetSize / 2, "the limit leaves room for more than FD_SETSIZE descriptors");

        var opened = new List<int>(2 * pairs);
        try
        {
            var ends = new List<(int A, int B)>(pairs);
            for (int i = 0; i < pairs; i++)
            {
                var pair = Peers.SocketPairFds();
                opened.Add(pair.A);
                opened.Add(pair.B);
                ends.Add(pair);
            }

            opened.Max().Should().BeGreaterThan(FdSetSize, "descriptor numbers go past FD_SETSIZE");
            if (backend != SelectorBackend.Select)
            {
                opened.Count.Should().BeGreaterThan(FdSetSize, "more descriptors than FD_SETSIZE");
            }

            using BaseSelector selector = SelectorFactory.Create(backend);
            foreach (int fd in opened)
            {
                try
                {
                    selector.Register(fd, SelectorEvents.Read | SelectorEvents.Write, fd);
                }
                catch (UnixSystemCallException e) when (backend == SelectorBackend.Epoll && e.ErrorName == "ENOSPC")
                {
                    Assert.Ignore($"epoll refused registration {selector.GetMap().Count + 1} with ENOSPC (fs.epoll.max_user_watches).");
                }
            }

            // Every socket is writable, none readable.
            var ready = selector.Select(5.0);
            TestContext.Out.WriteLine($"{backend}: {opened.Count} descriptors registered, highest {opened.Max()}, {ready.Count} reported");
            ready.Should().HaveCount(opened.Count);
            ready.Select(r => r.Key.Fd).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(opened);
            ready.Should().OnlyContain(r => r.Events == SelectorEvents.Write && (int)r.Key.Data! == r.Key.Fd);

            // Make every 7th pair's A end readable (a byte written on B), including the highest descriptors.
            var readable = new HashSet<int>();
            for (int i = 0; i < ends.Count; i++)
            {
                if (i % 7 == 0 || i == ends.Count - 1)
                {
                    Peers.Write(ends[i].B);
                    readable.Add(ends[i].A);
                }
            }

            ready = selector.Select(5.0);
            ready.Should().HaveCount(opened.Count);
            ready.Where(r => (r.Events & SelectorEvents.Read) != 0).Select(r => r.Key.Fd).Should().BeEquivalentTo(readable);
            ready.Should().OnlyContain(r => (r.Events & SelectorEvents.Write) != 0);

            // Only the readable ones, when asked for reading only.
            foreach (int fd in opened)
            {
                selector.Modify(fd, SelectorEvents.Read, fd);
            }

            ready = selector.Select(5.0);
            ready.Select(r => r.Key.Fd).Should().BeEquivalentTo(readable);
            ready.Should().OnlyContain(r => r.Events == SelectorEvents.Read);
        }
        finally
        {
            Peers.Close(opened.ToArray());
        }
    }
}
