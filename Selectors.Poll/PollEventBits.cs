using System;

namespace Selectors.Poll;

/// <summary>
/// One Unix's poll(2) bits for the <see cref="PollEvents"/> flags, which carry Linux's values. IN, PRI, OUT, ERR, HUP,
/// NVAL, RDNORM and RDBAND are the same bits on every Unix; WRNORM, WRBAND, MSG and RDHUP are not, and some Unixes lack
/// some of them: a flag this OS lacks is refused rather than sent to the kernel as a bit that means something else.
/// </summary>
internal sealed class PollEventBits
{
    private const PollEvents SameOnEveryUnix = PollEvents.In | PollEvents.Pri | PollEvents.Out | PollEvents.Err
        | PollEvents.Hup | PollEvents.Nval | PollEvents.RdNorm | PollEvents.RdBand;

    private readonly (PollEvents Flag, short Native)[] _ownBits;
    private readonly PollEvents _known;

    private PollEventBits(string platform, params (PollEvents Flag, short Native)[] ownBits)
    {
        Platform = platform;
        _ownBits = ownBits;
        _known = SameOnEveryUnix;
        foreach (var (flag, _) in ownBits)
        {
            _known |= flag;
        }

        IsIdentity = Array.TrueForAll(ownBits, bit => (short)bit.Flag == bit.Native) && _known == All;
    }

    /// <summary>Linux: include/uapi/asm-generic/poll.h (the enum's own values).</summary>
    internal static PollEventBits Linux { get; } = new("Linux",
        (PollEvents.WrNorm, 0x100), (PollEvents.WrBand, 0x200), (PollEvents.Msg, 0x400), (PollEvents.RdHup, 0x2000));

    /// <summary>macOS: xnu bsd/sys/poll.h. POLLWRNORM is POLLOUT; there is no POLLMSG and no POLLRDHUP.</summary>
    internal static PollEventBits Darwin { get; } = new("macOS", (PollEvents.WrNorm, 0x004), (PollEvents.WrBand, 0x100));

    /// <summary>FreeBSD: sys/sys/poll.h. POLLWRNORM is POLLOUT; POLLRDHUP is 0x4000 (since FreeBSD 13); there is no POLLMSG.</summary>
    internal static PollEventBits FreeBsd { get; } = new("FreeBSD",
        (PollEvents.WrNorm, 0x004), (PollEvents.WrBand, 0x100), (PollEvents.RdHup, 0x4000));

    /// <summary>The bits of the OS this process runs on; Linux's where the OS is none of the three.</summary>
    internal static PollEventBits Current { get; } =
        OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS() || OperatingSystem.IsMacCatalyst() ? Darwin
        : OperatingSystem.IsFreeBSD() ? FreeBsd
        : Linux;

    /// <summary>The OS, for messages.</summary>
    internal string Platform { get; }

    /// <summary>Whether every flag is its own bit here (Linux), so nothing needs translating and the hot path stays a cast.</summary>
    internal bool IsIdentity { get; }

    private static PollEvents All => SameOnEveryUnix | PollEvents.WrNorm | PollEvents.WrBand | PollEvents.Msg | PollEvents.RdHup;

    /// <summary>The OS's bits for <paramref name="events"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="events"/> has a flag this OS lacks, or a bit that is no flag.</exception>
    internal short ToNative(PollEvents events, string paramName)
    {
        PollEvents unknown = events & ~_known;
        if (unknown != 0)
        {
            throw new ArgumentException(
                (unknown & ~All) != 0
                    ? $"0x{(ushort)(unknown & ~All):x} is not a poll event flag."
                    : $"{unknown} is not a poll event on {Platform} (its <poll.h> has no such flag).",
                paramName);
        }

        if (IsIdentity)
        {
            return (short)events;
        }

        short native = (short)(events & SameOnEveryUnix);
        foreach (var (flag, bit) in _ownBits)
        {
            if ((events & flag) != 0)
            {
                native |= bit;
            }
        }

        return native;
    }

    /// <summary>The flags for the OS's bits <paramref name="native"/>. Where two flags share a bit (POLLWRNORM is POLLOUT off Linux), the shared flag (<see cref="PollEvents.Out"/>) is reported.</summary>
    internal PollEvents FromNative(short native)
    {
        if (IsIdentity)
        {
            return (PollEvents)native;
        }

        var events = (PollEvents)native & SameOnEveryUnix;
        foreach (var (flag, bit) in _ownBits)
        {
            if ((native & bit) != 0 && (bit & (short)SameOnEveryUnix) == 0)
            {
                events |= flag;
            }
        }

        return events;
    }
}
