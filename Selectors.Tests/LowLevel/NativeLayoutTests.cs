using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Epoll;
using Selectors.Poll;
using Selectors.Tests.Support;
// Named apart from the namespace Selectors.Tests.Architecture, which hides the type inside Selectors.Tests.
using CpuArchitecture = System.Runtime.InteropServices.Architecture;

namespace Selectors.Tests.LowLevel;

/// <summary>
/// Pins the structs and constants the library hands to the kernel against the C headers of this machine, compiled
/// at test time (<see cref="KernelHeaders"/>), and states the expected numbers plainly so a diff shows them.
/// </summary>
[TestFixture]
public class NativeLayoutTests
{
    private static readonly (string C, EpollEvents Value)[] EpollBits =
    [
        ("EPOLLIN", EpollEvents.In),
        ("EPOLLPRI", EpollEvents.Pri),
        ("EPOLLOUT", EpollEvents.Out),
        ("EPOLLERR", EpollEvents.Err),
        ("EPOLLHUP", EpollEvents.Hup),
        ("EPOLLRDNORM", EpollEvents.RdNorm),
        ("EPOLLRDBAND", EpollEvents.RdBand),
        ("EPOLLWRNORM", EpollEvents.WrNorm),
        ("EPOLLWRBAND", EpollEvents.WrBand),
        ("EPOLLMSG", EpollEvents.Msg),
        ("EPOLLRDHUP", EpollEvents.RdHup),
        ("EPOLLEXCLUSIVE", EpollEvents.Exclusive),
        ("EPOLLWAKEUP", EpollEvents.WakeUp),
        ("EPOLLONESHOT", EpollEvents.OneShot),
        ("EPOLLET", EpollEvents.EdgeTriggered),
    ];

    private static readonly (string C, PollEvents Value)[] PollBits =
    [
        ("POLLIN", PollEvents.In),
        ("POLLPRI", PollEvents.Pri),
        ("POLLOUT", PollEvents.Out),
        ("POLLERR", PollEvents.Err),
        ("POLLHUP", PollEvents.Hup),
        ("POLLNVAL", PollEvents.Nval),
        ("POLLRDNORM", PollEvents.RdNorm),
        ("POLLRDBAND", PollEvents.RdBand),
        ("POLLWRNORM", PollEvents.WrNorm),
        ("POLLWRBAND", PollEvents.WrBand),
        ("POLLMSG", PollEvents.Msg),
        ("POLLRDHUP", PollEvents.RdHup),
    ];

    private static IEnumerable<TestCaseData> EpollBitCases() =>
        EpollBits.Select(b => new TestCaseData(b.C, b.Value).SetArgDisplayNames(b.C));

    private static IEnumerable<TestCaseData> PollBitCases() =>
        PollBits.Select(b => new TestCaseData(b.C, b.Value).SetArgDisplayNames(b.C));

    // ---- struct epoll_event ----

    [Test]
    public void EpollEventIsPacked_AgreesWithKernelStructSize()
    {
        bool packed = LibraryInterop.Epoll.Property<bool>("EpollEventIsPacked");
        long kernelSize = KernelHeaders.Get("sizeof(struct epoll_event)");

        packed.Should().Be(kernelSize == 12, "the packed layout is used exactly where the kernel's struct is 12 bytes");
        kernelSize.Should().BeOneOf(12, 16);
    }

    [Test]
    public void StructHandedToEpollKernel_MatchesKernelSizeAndOffsets()
    {
        HandedToKernel().Should().Be((
            (int)KernelHeaders.Get("sizeof(struct epoll_event)"),
            (int)KernelHeaders.Get("offsetof(struct epoll_event, events)"),
            (int)KernelHeaders.Get("offsetof(struct epoll_event, data)")));
        KernelHeaders.Get("sizeof(epoll_data_t)").Should().Be(sizeof(ulong));
    }

    /// <summary>
    /// arm64's struct epoll_event is naturally aligned, unlike x86-64's packed one (the kernel's uapi eventpoll.h packs it
    /// on x86-64 only). The arm64 CI leg runs this under qemu; the kernel's side is the headers as arm64's compiler sees
    /// them, not the host compiler's (see <see cref="KernelHeaders"/> for why the probe is compiled and never run).
    /// </summary>
    [Test]
    [ProcessArchitecture(CpuArchitecture.Arm64, Reason = "it checks arm64's kernel struct, which .ci/legs/arm64.sh runs under qemu")]
    public void OnArm64_KernelEpollEventIsSixteenBytesWithDataAtOffset8_AndSoIsTheStructHandedToIt()
    {
        // Proof that this is an arm64 process reading the arm64 headers, not an x86-64 build checking x86-64's struct.
        RuntimeInformation.ProcessArchitecture.Should().Be(CpuArchitecture.Arm64);
        KernelHeaders.Architecture.Should().Be(CpuArchitecture.Arm64);

        KernelHeaders.Get("sizeof(struct epoll_event)").Should().Be(16);
        KernelHeaders.Get("offsetof(struct epoll_event, events)").Should().Be(0);
        KernelHeaders.Get("offsetof(struct epoll_event, data)").Should().Be(8);
        HandedToKernel().Should().Be((16, 0, 8));
    }

    [Test]
    public unsafe void EpollEvent_IsThePackedTwelveByteLayout_WithDataAtOffset4()
    {
        Marshal.SizeOf<EpollEvent>().Should().Be(12);
        sizeof(EpollEvent).Should().Be(12, "the kernel writes into EpollEvent spans directly, so the managed size must match too");
        Marshal.OffsetOf<EpollEvent>("_events").ToInt32().Should().Be(0);
        Marshal.OffsetOf<EpollEvent>("_data").ToInt32().Should().Be(4);
    }

    [Test]
    public void AlignedEpollEvent_IsTheNaturallyAlignedSixteenByteLayout_WithDataAtOffset8()
    {
        Type aligned = LibraryInterop.Epoll.Nested("AlignedEpollEvent");

        Marshal.SizeOf(aligned).Should().Be(16);
        Marshal.OffsetOf(aligned, "Events").ToInt32().Should().Be(0);
        Marshal.OffsetOf(aligned, "Data").ToInt32().Should().Be(8);
    }

    [Test]
    public void EpollEvent_RoundTripsEventsAndFullSixtyFourBitData()
    {
        var e = new EpollEvent(EpollEvents.In | EpollEvents.EdgeTriggered, 0xFEDC_BA98_7654_3210UL);

        e.Events.Should().Be(EpollEvents.In | EpollEvents.EdgeTriggered);
        e.Data.Should().Be(0xFEDC_BA98_7654_3210UL);
        e.Fd.Should().Be(0x7654_3210);
    }

    /// <summary>Size and field offsets of the struct the library hands to epoll_ctl and epoll_wait in this process.</summary>
    private static (int Size, int Events, int Data) HandedToKernel()
    {
        bool packed = LibraryInterop.Epoll.Property<bool>("EpollEventIsPacked");
        Type native = packed ? typeof(EpollEvent) : LibraryInterop.Epoll.Nested("AlignedEpollEvent");
        return (Marshal.SizeOf(native),
            Marshal.OffsetOf(native, packed ? "_events" : "Events").ToInt32(),
            Marshal.OffsetOf(native, packed ? "_data" : "Data").ToInt32());
    }

    // ---- epoll constants ----

    [Test]
    public void EpollCloexec_MatchesKernel()
    {
        int value = LibraryInterop.Epoll.Constant<int>("EPOLL_CLOEXEC");

        value.Should().Be(0x80000, "EPOLL_CLOEXEC is O_CLOEXEC, octal 02000000");
        value.Should().Be((int)KernelHeaders.Get("EPOLL_CLOEXEC"));
    }

    [TestCase("EPOLL_CTL_ADD", 1)]
    [TestCase("EPOLL_CTL_DEL", 2)]
    [TestCase("EPOLL_CTL_MOD", 3)]
    public void EpollCtlOperation_MatchesKernel(string name, int expected)
    {
        int value = LibraryInterop.Epoll.Constant<int>(name);

        value.Should().Be(expected);
        value.Should().Be((int)KernelHeaders.Get(name));
    }

    [TestCaseSource(nameof(EpollBitCases))]
    public void EpollEventsBit_MatchesKernel(string cName, EpollEvents value)
    {
        ((long)(uint)value).Should().Be(KernelHeaders.Get(cName));
    }

    [Test]
    public void EpollEvents_EveryMemberIsPinnedAgainstKernel()
    {
        Enum.GetValues<EpollEvents>().Where(v => v != EpollEvents.None)
            .Should().BeEquivalentTo(EpollBits.Select(b => b.Value), "a new bit needs its C name in this table");
    }

    [Test]
    public void EpollEvents_HaveTheLinuxValues()
    {
        ((uint)EpollEvents.None).Should().Be(0);
        ((uint)EpollEvents.In).Should().Be(0x1);
        ((uint)EpollEvents.Pri).Should().Be(0x2);
        ((uint)EpollEvents.Out).Should().Be(0x4);
        ((uint)EpollEvents.Err).Should().Be(0x8);
        ((uint)EpollEvents.Hup).Should().Be(0x10);
        ((uint)EpollEvents.RdNorm).Should().Be(0x40);
        ((uint)EpollEvents.RdBand).Should().Be(0x80);
        ((uint)EpollEvents.WrNorm).Should().Be(0x100);
        ((uint)EpollEvents.WrBand).Should().Be(0x200);
        ((uint)EpollEvents.Msg).Should().Be(0x400);
        ((uint)EpollEvents.RdHup).Should().Be(0x2000);
        ((uint)EpollEvents.Exclusive).Should().Be(0x1000_0000);
        ((uint)EpollEvents.WakeUp).Should().Be(0x2000_0000);
        ((uint)EpollEvents.OneShot).Should().Be(0x4000_0000);
        ((uint)EpollEvents.EdgeTriggered).Should().Be(0x8000_0000);
        EpollInstance.DefaultEvents.Should().Be(EpollEvents.In | EpollEvents.Pri | EpollEvents.Out);
        ((uint)EpollInstance.DefaultEvents).Should().Be(7);
        EpollInstance.DefaultMaxEvents.Should().Be(1023);
    }

    // ---- struct pollfd ----

    [Test]
    public void PollFd_MatchesKernelSizeAndOffsets()
    {
        Type pollFd = LibraryInterop.Poll.Nested("PollFd");

        Marshal.SizeOf(pollFd).Should().Be(8);
        Marshal.OffsetOf(pollFd, "Fd").ToInt32().Should().Be(0);
        Marshal.OffsetOf(pollFd, "Events").ToInt32().Should().Be(4);
        Marshal.OffsetOf(pollFd, "REvents").ToInt32().Should().Be(6);

        Marshal.SizeOf(pollFd).Should().Be((int)KernelHeaders.Get("sizeof(struct pollfd)"));
        Marshal.OffsetOf(pollFd, "Fd").ToInt32().Should().Be((int)KernelHeaders.Get("offsetof(struct pollfd, fd)"));
        Marshal.OffsetOf(pollFd, "Events").ToInt32().Should().Be((int)KernelHeaders.Get("offsetof(struct pollfd, events)"));
        Marshal.OffsetOf(pollFd, "REvents").ToInt32().Should().Be((int)KernelHeaders.Get("offsetof(struct pollfd, revents)"));
    }

    [Test]
    public void PollNfds_IsPassedAsNativeUnsignedInteger_LikeKernelNfdsT()
    {
        var poll = LibraryInterop.Poll.Type.GetMethod("Poll", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!;

        poll.GetParameters()[1].ParameterType.Should().Be(typeof(nuint));
        KernelHeaders.Get("sizeof(nfds_t)").Should().Be(IntPtr.Size);
    }

    // ---- poll constants ----

    [TestCaseSource(nameof(PollBitCases))]
    public void PollEventsBit_MatchesKernel(string cName, PollEvents value)
    {
        ((long)(ushort)value).Should().Be(KernelHeaders.Get(cName));
    }

    [Test]
    public void PollEvents_EveryMemberIsPinnedAgainstKernel()
    {
        Enum.GetValues<PollEvents>().Where(v => v != PollEvents.None)
            .Should().BeEquivalentTo(PollBits.Select(b => b.Value), "a new bit needs its C name in this table");
    }

    [Test]
    public void PollEvents_HaveTheLinuxValues()
    {
        ((short)PollEvents.None).Should().Be(0);
        ((short)PollEvents.In).Should().Be(0x1);
        ((short)PollEvents.Pri).Should().Be(0x2);
        ((short)PollEvents.Out).Should().Be(0x4);
        ((short)PollEvents.Err).Should().Be(0x8);
        ((short)PollEvents.Hup).Should().Be(0x10);
        ((short)PollEvents.Nval).Should().Be(0x20);
        ((short)PollEvents.RdNorm).Should().Be(0x40);
        ((short)PollEvents.RdBand).Should().Be(0x80);
        ((short)PollEvents.WrNorm).Should().Be(0x100);
        ((short)PollEvents.WrBand).Should().Be(0x200);
        ((short)PollEvents.Msg).Should().Be(0x400);
        ((short)PollEvents.RdHup).Should().Be(0x2000);
        PollSet.DefaultEvents.Should().Be(PollEvents.In | PollEvents.Pri | PollEvents.Out);
        ((short)PollSet.DefaultEvents).Should().Be(7);
    }

    [Test]
    public void SharedBits_HaveTheSameValueInEpollAndPoll()
    {
        ((int)EpollEvents.In).Should().Be((int)PollEvents.In);
        ((int)EpollEvents.Out).Should().Be((int)PollEvents.Out);
        ((int)EpollEvents.Err).Should().Be((int)PollEvents.Err);
        ((int)EpollEvents.Hup).Should().Be((int)PollEvents.Hup);
        ((int)EpollEvents.RdHup).Should().Be((int)PollEvents.RdHup);
    }
}
