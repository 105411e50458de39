using System;
using Selectors.Wakers;

namespace Selectors.Engines;

/// <summary>
/// A descriptor the OS reported ready, its readiness mapped to selector events, and the generation of the registration
/// it was reported for (0 when the OS carries no tag: then the descriptor's current registration is meant).
/// </summary>
internal struct ReadyDescriptor(int fd, SelectorEvents events, uint generation)
{
    internal int Fd = fd;
    internal SelectorEvents Events = events;
    internal uint Generation = generation;
}

/// <summary>
/// The system-specific part of a selector: the OS interest set, the wait and the waker. Everything else (the key map,
/// validation, timeouts, masking, locking) lives once in <see cref="BaseSelector"/>, as in CPython's <c>selectors.py</c>.
/// </summary>
internal abstract class SelectorEngine : IDisposable
{
    private ReadyDescriptor[] _ready = new ReadyDescriptor[1];

    /// <summary>Which mechanism this is.</summary>
    internal abstract SelectorBackend Kind { get; }

    /// <summary>The wait's resolution, in <see cref="TimeSpan"/> ticks per unit of <see cref="Wait"/>'s timeout.</summary>
    internal abstract long TicksPerUnit { get; }

    /// <summary>
    /// Whether the OS reports each event with the registration's generation (epoll's <c>data</c>), so an event from a
    /// stale kernel registration is told apart from one of the registration now holding that number.
    /// </summary>
    internal virtual bool TagsEvents => false;

    /// <summary>
    /// Whether <see cref="Add"/>, <see cref="Modify"/> and <see cref="Remove"/> may run while another thread is inside
    /// <see cref="Wait"/> and take effect in that wait (epoll: the kernel's interest set is thread-safe).
    /// </summary>
    internal virtual bool ChangesWhileWaiting => false;

    /// <summary>Whether registrations may be edge-triggered or one-shot (epoll); the others are level-triggered only.</summary>
    internal virtual bool SupportsTriggers => false;

    /// <summary>Adds a descriptor to the OS interest set; throws, changing nothing, if the OS refuses.</summary>
    internal abstract void Add(int fd, object fileObject, SelectorEvents events, uint generation, SelectorTrigger trigger);

    /// <summary>Changes a registered descriptor's interest; throws, changing nothing, if the OS refuses.</summary>
    internal abstract void Modify(int fd, SelectorEvents events, uint generation, SelectorTrigger trigger);

    /// <summary>Removes a descriptor; must succeed when the descriptor was closed (or closed and reused) meanwhile.</summary>
    internal abstract void Remove(int fd);

    /// <summary>Waits once: -1 forever, 0 not at all, otherwise at most that many units. EINTR is retried below.</summary>
    /// <returns>How many entries of <see cref="Ready"/> were filled; the waker's own readiness is not among them.</returns>
    internal abstract int Wait(int timeoutUnits);

    /// <summary>Makes a wait in progress, or the next one, return at once. Thread-safe.</summary>
    internal void Wake() => Waker.Wake();

    /// <summary>What wakes this engine's wait from another thread.</summary>
    internal abstract Waker Waker { get; }

    /// <summary>The last wait's ready descriptors, from <paramref name="start"/>; valid until the next wait.</summary>
    internal Span<ReadyDescriptor> Ready(int start, int count) => _ready.AsSpan(start, count);

    /// <summary>Releases the OS resources, the waker's included; registered file objects stay open.</summary>
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

    /// <summary>The buffer the next wait fills, with room for at least <paramref name="length"/> entries.</summary>
    private protected ReadyDescriptor[] ReadyBuffer(int length)
    {
        EnsureCapacity(ref _ready, length);
        return _ready;
    }

    /// <summary>Grows <paramref name="buffer"/> (doubling) to hold at least <paramref name="length"/> items.</summary>
    protected static void EnsureCapacity<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            Array.Resize(ref buffer, Math.Max(length, buffer.Length * 2));
        }
    }
}
