using System;

namespace Selectors.Engines;

/// <summary>A descriptor the OS reported ready, with its readiness already mapped to selector events.</summary>
internal readonly record struct ReadyDescriptor(int Fd, SelectorEvents Events);

/// <summary>
/// The system-specific part of a selector: the OS interest set and the wait. Everything else (the key map,
/// validation, timeouts, masking) lives once in <see cref="BaseSelector"/>, as in CPython's <c>selectors.py</c>.
/// </summary>
internal abstract class SelectorEngine : IDisposable
{
    /// <summary>Which mechanism this is.</summary>
    internal abstract SelectorBackend Kind { get; }

    /// <summary>The wait's resolution, in <see cref="TimeSpan"/> ticks per unit of <see cref="Wait"/>'s timeout.</summary>
    internal abstract long TicksPerUnit { get; }

    /// <summary>Adds a descriptor to the OS interest set; throws, changing nothing, if the OS refuses.</summary>
    internal abstract void Add(int fd, object fileObject, SelectorEvents events);

    /// <summary>Changes a registered descriptor's interest; throws, changing nothing, if the OS refuses.</summary>
    internal abstract void Modify(int fd, SelectorEvents events);

    /// <summary>Removes a descriptor; must succeed when the descriptor was closed (or closed and reused) meanwhile.</summary>
    internal abstract void Remove(int fd);

    /// <summary>Waits once: -1 forever, 0 not at all, otherwise at most that many units. EINTR is retried below.</summary>
    /// <returns>The ready descriptors, in a buffer that is valid until the next call.</returns>
    internal abstract ReadOnlySpan<ReadyDescriptor> Wait(int timeoutUnits);

    /// <summary>Releases the OS resources; registered file objects stay open.</summary>
    public abstract void Dispose();

    /// <summary>
    /// CPython's poll-like mapping: any bit but the read bit means writable, any bit but the write bit means readable,
    /// so hang-up, error and invalid-descriptor bits count as both.
    /// </summary>
    internal static SelectorEvents FromPollBits(uint revents, uint readBit, uint writeBit) =>
        ((revents & ~readBit) != 0 ? SelectorEvents.Write : SelectorEvents.None)
        | ((revents & ~writeBit) != 0 ? SelectorEvents.Read : SelectorEvents.None);

    /// <summary>The read/write interest as a poll-style mask.</summary>
    protected static uint ToPollBits(SelectorEvents events, uint readBit, uint writeBit) =>
        ((events & SelectorEvents.Read) != 0 ? readBit : 0) | ((events & SelectorEvents.Write) != 0 ? writeBit : 0);

    /// <summary>Grows <paramref name="buffer"/> (doubling) to hold at least <paramref name="length"/> items.</summary>
    protected static void EnsureCapacity<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            Array.Resize(ref buffer, Math.Max(length, buffer.Length * 2));
        }
    }
}
