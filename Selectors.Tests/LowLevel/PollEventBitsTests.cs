using System;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Poll;

namespace Selectors.Tests.LowLevel;

/// <summary>
/// The poll flags per OS. Linux's bits are checked against this machine's headers in NativeLayoutTests; macOS's and
/// FreeBSD's, which nothing here can run, are pinned to their headers' values (xnu bsd/sys/poll.h, FreeBSD
/// sys/sys/poll.h).
/// </summary>
public sealed class PollEventBitsTests
{
    private const PollEvents Shared = PollEvents.In | PollEvents.Pri | PollEvents.Out | PollEvents.Err | PollEvents.Hup
        | PollEvents.Nval | PollEvents.RdNorm | PollEvents.RdBand;

    [Test]
    public void LinuxSendsTheFlagsAsTheyAre()
    {
        PollEventBits.Linux.IsIdentity.Should().BeTrue();
        PollEventBits.Linux.ToNative(PollEvents.RdHup | PollEvents.Msg | PollEvents.WrBand | PollEvents.In, "events").Should().Be(0x2000 | 0x400 | 0x200 | 0x1);
        PollEventBits.Linux.FromNative(0x2000 | 0x10).Should().Be(PollEvents.RdHup | PollEvents.Hup);
    }

    [Test]
    [Platform("Linux", Reason = "checks which table a Linux process picks")]
    public void ALinuxProcessUsesLinuxBits() => PollEventBits.Current.Should().BeSameAs(PollEventBits.Linux);

    [Test]
    public void TheBitsFromInToRdBandAreTheSameOnEveryUnix()
    {
        foreach (PollEventBits bits in new[] { PollEventBits.Linux, PollEventBits.Darwin, PollEventBits.FreeBsd })
        {
            bits.ToNative(Shared, "events").Should().Be((short)Shared, bits.Platform);
            bits.FromNative((short)Shared).Should().Be(Shared, bits.Platform);
        }
    }

    [Test]
    public void MacOsHasWrNormAsPollOutAndWrBandAt0x100()
    {
        PollEventBits.Darwin.ToNative(PollEvents.WrNorm | PollEvents.WrBand, "events").Should().Be(0x004 | 0x100);
        PollEventBits.Darwin.FromNative(0x004 | 0x100).Should().Be(PollEvents.Out | PollEvents.WrBand, "POLLWRNORM is POLLOUT, reported as Out");
    }

    [Test]
    public void FreeBsdHasRdHupAt0x4000()
    {
        PollEventBits.FreeBsd.ToNative(PollEvents.RdHup | PollEvents.WrNorm | PollEvents.WrBand, "events").Should().Be(0x4000 | 0x004 | 0x100);
        PollEventBits.FreeBsd.FromNative(0x4000 | 0x100 | 0x001).Should().Be(PollEvents.RdHup | PollEvents.WrBand | PollEvents.In);
    }

    [TestCase("macOS", PollEvents.RdHup)]
    [TestCase("macOS", PollEvents.Msg)]
    [TestCase("FreeBSD", PollEvents.Msg)]
    public void AFlagTheOsLacksIsRefusedNamingTheOs(string platform, PollEvents flag)
    {
        PollEventBits bits = platform == "macOS" ? PollEventBits.Darwin : PollEventBits.FreeBsd;

        bits.Invoking(b => b.ToNative(PollEvents.In | flag, "events")).Should().Throw<ArgumentException>()
            .Which.Should().Match<ArgumentException>(e => e.ParamName == "events" && e.Message.Contains(flag.ToString()) && e.Message.Contains(platform));
    }

    [Test]
    public void ABitThatIsNoFlagIsRefusedAndTheSetIsUnchanged()
    {
        var set = new PollSet();
        set.Register(0, PollEvents.In);

        set.Invoking(s => s.Register(1, PollEvents.In | (PollEvents)0x0800)).Should().Throw<ArgumentException>().WithMessage("0x800 is not a poll event flag.*");
        set.Invoking(s => s.Modify(0, (PollEvents)0x0800)).Should().Throw<ArgumentException>();

        set.Count.Should().Be(1);
        set.Contains(1).Should().BeFalse();
    }
}
