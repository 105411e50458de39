using System;
using System.Runtime.CompilerServices;
using FluentAssertions;
using Mono.Unix;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Backends;

/// <summary>What only the epoll selector does (spec N1–N5, I6, O3), beside the conformance suite.</summary>
public class EpollSelectorTests
{
    [Test]
    public void N1_FilenoIsACloseOnExecEpollDescriptor()
    {
        using var selector = new EpollSelector();
        int fd = selector.Fileno();
        fd.Should().BeGreaterThanOrEqualTo(0);
        (Peers.DescriptorFlags(fd) & TestInterop.FD_CLOEXEC).Should().Be(TestInterop.FD_CLOEXEC, "FD_CLOEXEC is set");
        new System.IO.FileInfo($"/proc/self/fd/{fd}").LinkTarget.Should().Be("anon_inode:[eventpoll]");
        selector.Close();
        selector.Invoking(s => s.Fileno()).Should().Throw<ObjectDisposedException>();
        Peers.DescriptorFlags(fd).Should().Be(-1, "Close closed the epoll descriptor");
    }

    [Test]
    public void N2_TheKernelInterestIsInForReadAndOutForWriteOnly()
    {
        using var selector = new EpollSelector();
        var (a, b) = Peers.SocketPairFds();
        try
        {
            selector.Register(a, SelectorEvents.Read);
            selector.Register(b, SelectorEvents.Write);
            // The kernel always adds EPOLLERR | EPOLLHUP (0x18) to what was asked.
            KernelInterest(selector, a).Should().Be(0x19u, "EPOLLIN");
            KernelInterest(selector, b).Should().Be(0x1Cu, "EPOLLOUT");
            selector.Modify(a, SelectorEvents.Read | SelectorEvents.Write);
            KernelInterest(selector, a).Should().Be(0x1Du, "EPOLLIN | EPOLLOUT, no ET, ONESHOT, RDHUP or PRI");
        }
        finally
        {
            Peers.Close(a, b);
        }
    }

    [Test]
    public void D7_EpollRefusesItsOwnDescriptor()
    {
        using var epoll = new EpollSelector();
        epoll.Invoking(s => s.Register(s.Fileno(), SelectorEvents.Read)).Should().Throw<UnixSystemCallException>()
            .Which.Should().Match<UnixSystemCallException>(e => e.ErrorName == "EINVAL" && e.Message.Contains("epoll_ctl(EPOLL_CTL_ADD"));
        epoll.GetMap().Should().BeEmpty();
    }

    [Test]
    public void I6_AnAbandonedSelectorReleasesItsDescriptorWhenCollected()
    {
        int fd = AbandonSelector();
        for (int i = 0; i < 10 && Peers.DescriptorFlags(fd) != -1; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Peers.DescriptorFlags(fd).Should().Be(-1, "the SafeHandle's finalizer closed the epoll descriptor");
    }

    [Test]
    public void O3_AStaleKernelRegistrationOfASurvivingDuplicateIsNeverReportedAsAnotherKey()
    {
        // Spec O3: epoll watches the open file, not the number, so closing before unregistering leaves A's kernel
        // registration alive while a dup holds the file; Python then reports A's data under B's key. The registration
        // tag in epoll's data tells them apart.
        using var selector = new EpollSelector();
        var (a, peerOfA) = Peers.SocketPairFds();
        int duplicateOfA = Peers.Dup(a);
        int b = -1, peerOfB = -1;
        try
        {
            selector.Register(a, SelectorEvents.Read, "A");
            Peers.Close(a);
            selector.Unregister(a);
            (b, peerOfB) = Peers.SocketPairFds();
            b.Should().Be(a, "the lowest free number is reused");
            SelectorKey keyOfB = selector.Register(b, SelectorEvents.Read, "B");

            Peers.Write(peerOfA);
            selector.Select(0.1).Should().BeEmpty("A's stale registration fires with A's tag, which matches no key (Python: reported as B)");
            Peers.Write(peerOfB);
            selector.Select(1.0).Should().Equal(new[] { (keyOfB, SelectorEvents.Read) });
        }
        finally
        {
            Peers.Close(duplicateOfA, peerOfA, b, peerOfB);
        }
    }

    /// <summary>The events mask the kernel holds for <paramref name="fd"/>, from /proc/self/fdinfo of the epoll descriptor.</summary>
    private static uint KernelInterest(EpollSelector selector, int fd)
    {
        foreach (string line in System.IO.File.ReadLines($"/proc/self/fdinfo/{selector.Fileno()}"))
        {
            // tfd:        7 events:       19 data:                7  pos:0 ino:... sdev:...
            string[] fields = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 4 && fields[0] == "tfd:" && fields[1] == fd.ToString() && fields[2] == "events:")
            {
                return Convert.ToUInt32(fields[3], 16);
            }
        }

        throw new InvalidOperationException($"fd {fd} is not in the kernel's interest list");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int AbandonSelector() => new EpollSelector().Fileno();
}
