using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Selectors.Wakers;

namespace Selectors.Engines;

/// <summary>
/// The system-specific part of a selector, as Java NIO's <c>SelectorImpl</c> backends: the OS interest set, the wait and
/// the waker. <see cref="BaseSelector"/> keeps the map, validation, lookup and close, and calls the changes
/// (<see cref="Register"/>, <see cref="Modify"/>, <see cref="Unregister"/>, <see cref="Dispose"/>) one at a time; the
/// wait runs on the selecting thread meanwhile, so each engine makes its changes safe against its own wait.
/// </summary>
/// <remarks>
/// The wait is a template (<see cref="Wait"/> over <see cref="WaitOnce"/>): it waits again, with the time that is left,
/// when a wait reported nothing for the caller (a stale registration, or the waker woken for an engine's own reasons).
/// </remarks>
internal abstract class SelectorEngine : IDisposable
{
    private int _wakeupRequested;

    /// <summary>
    /// Serialises the changes: <see cref="BaseSelector"/> holds it for every change and for Close. An engine's wait
    /// takes it only to remove a registration whose file object it found closed, where epoll must not race a
    /// registration of the number's next file.
    /// </summary>
    internal object ChangeLock { get; } = new();

    /// <summary>Which mechanism this is.</summary>
    internal abstract SelectorBackend Kind { get; }

    /// <summary>What wakes this engine's wait from another thread.</summary>
    internal abstract Waker Waker { get; }

    /// <summary>The wait's resolution, in <see cref="TimeSpan"/> ticks per unit of <see cref="WaitOnce"/>'s timeout.</summary>
    private protected abstract long TicksPerUnit { get; }

    /// <summary>
    /// Adds <paramref name="registration"/> (its key, trigger and handle set) to the OS interest set; throws, changing
    /// nothing, if the OS refuses or this engine does not support its trigger.
    /// </summary>
    internal abstract void Register(Registration registration);

    /// <summary>
    /// Changes the interest of <paramref name="registration"/>, whose key and trigger still hold the old interest, to
    /// <paramref name="events"/> and <paramref name="trigger"/>; throws, changing nothing, if the OS refuses.
    /// </summary>
    internal abstract void Modify(Registration registration, SelectorEvents events, SelectorTrigger trigger);

    /// <summary>Removes a registration; must succeed when its descriptor was closed (or closed and reused) meanwhile.</summary>
    internal abstract void Unregister(Registration registration);

    /// <summary>Releases the OS resources, the waker's included; registered file objects stay open.</summary>
    public abstract void Dispose();

    /// <summary>
    /// Makes the current or next <see cref="Wait"/> return, reporting the wakeup. Thread-safe without a lock of the
    /// selector's, and a no-op once the engine is disposed (the waker's own lock decides).
    /// </summary>
    internal void Wakeup()
    {
        Volatile.Write(ref _wakeupRequested, 1);
        Waker.Wake();
    }

    /// <summary>
    /// Waits until a registered descriptor is ready for what its key asks, a <see cref="Wakeup"/>, or the deadline, and
    /// writes at most one entry per descriptor into <paramref name="ready"/>: the key and its ready events, masked by
    /// its interest. What does not fit stays in the OS (or, for poll and select, is found again by the next wait, from
    /// where this one stopped), so a later change of a key can't be contradicted by an event kept in user space.
    /// </summary>
    /// <returns>How many entries were written; 0 on timeout or wakeup.</returns>
    internal int Wait(Span<(SelectorKey Key, SelectorEvents Events)> ready, Deadline deadline, out bool wokenUp)
    {
        // The first wait takes the whole timeout, so a timeout shorter than the time it takes to get here still waits.
        int units = deadline.TimeoutUnits(TicksPerUnit);
        while (true)
        {
            int filled = WaitOnce(ready, units, out bool wakerSeen);
            wokenUp = wakerSeen && Volatile.Read(ref _wakeupRequested) != 0 && Interlocked.Exchange(ref _wakeupRequested, 0) != 0;
            if (filled > 0 || wokenUp || deadline.TimeoutTicks == 0)
            {
                return filled;
            }

            units = deadline.RemainingUnits(TicksPerUnit);
            if (units == 0)
            {
                return 0;
            }
        }
    }

    /// <summary>
    /// Waits once, for at most <paramref name="timeoutUnits"/> units (-1 forever, 0 not at all; EINTR is retried below),
    /// and fills <paramref name="ready"/> as <see cref="Wait"/> describes. The waker's readiness is consumed here
    /// (<see cref="Waker.Reset"/>) and reported through <paramref name="wakerSeen"/>, not as an entry.
    /// </summary>
    private protected abstract int WaitOnce(Span<(SelectorKey Key, SelectorEvents Events)> ready, int timeoutUnits, out bool wakerSeen);

    /// <summary>
    /// Writes <paramref name="registration"/>'s key with <paramref name="reported"/> masked by its interest into
    /// <paramref name="ready"/>, unless nothing asked for is ready. A file object closed while registered is taken out
    /// of the OS interest set instead (a closed descriptor would be reported on every wait), once, and its handle let go;
    /// its key stays in the map until Unregister finds it by reference.
    /// </summary>
    private protected void Report(Registration registration, SelectorEvents reported, Span<(SelectorKey Key, SelectorEvents Events)> ready, ref int filled)
    {
        if (registration.FileObjectClosed)
        {
            if (registration.TryLeaveInterestSet())
            {
                RemoveClosed(registration);
                registration.Release();
            }

            return;
        }

        SelectorKey key = registration.Key;
        SelectorEvents events = reported & key.Events;
        if (events != SelectorEvents.None && !registration.LeftInterestSet)
        {
            ready[filled++] = (key, events);
        }
    }

    /// <summary>Takes a registration whose file object was closed out of the OS interest set, from the waiting thread.</summary>
    private protected abstract void RemoveClosed(Registration registration);

    /// <summary>
    /// One OS event of an engine whose events carry a <see cref="RegistrationSlots"/> tag (epoll, AFD): the waker's is
    /// consumed and noted in <paramref name="wakerSeen"/>; a registration's is reported; a stale tag's is dropped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void ReportTagged(
        Registration?[] table, ulong tag, SelectorEvents reported, Span<(SelectorKey Key, SelectorEvents Events)> ready, ref int filled, ref bool wakerSeen)
    {
        if (tag == RegistrationSlots.WakerTag)
        {
            Waker.Reset();
            wakerSeen = true;
        }
        else if (RegistrationSlots.Find(table, tag) is { } registration)
        {
            Report(registration, reported, ready, ref filled);
        }
    }

    /// <summary>
    /// <see cref="RemoveClosed"/> for an engine whose <see cref="Unregister"/> reaches the OS at once (epoll, AFD): under
    /// the change lock, so that no Register of a file that has reused the number (or handle) runs between the check and
    /// the removal. A <see cref="System.Runtime.InteropServices.SafeHandle"/>'s descriptor is still open here: the
    /// registration holds it until released.
    /// </summary>
    private protected void UnregisterUnderChangeLock(Registration registration)
    {
        lock (ChangeLock)
        {
            Unregister(registration);
        }
    }

    /// <summary>
    /// CPython's poll-like mapping: any bit but the read bit means writable, any bit but the write bit means readable,
    /// so hang-up, error and invalid-descriptor bits count as both.
    /// </summary>
    internal static SelectorEvents FromPollBits(uint revents, uint readBit, uint writeBit) =>
        ((revents & ~readBit) != 0 ? SelectorEvents.Write : SelectorEvents.None)
        | ((revents & ~writeBit) != 0 ? SelectorEvents.Read : SelectorEvents.None);

    /// <summary>The read/write interest as a poll-style mask.</summary>
    private protected static uint ToPollBits(SelectorEvents events, uint readBit, uint writeBit) =>
        ((events & SelectorEvents.Read) != 0 ? readBit : 0) | ((events & SelectorEvents.Write) != 0 ? writeBit : 0);

    /// <summary>Refuses a trigger other than level: only epoll has the others.</summary>
    /// <exception cref="NotSupportedException">It is edge-triggered or one-shot.</exception>
    private protected void RequireLevelTriggered(SelectorTrigger trigger)
    {
        if (trigger != SelectorTrigger.Level)
        {
            throw new NotSupportedException($"Edge-triggered and one-shot registration need epoll; this selector uses {Kind}.");
        }
    }

    /// <summary>Grows <paramref name="buffer"/> (doubling) to hold at least <paramref name="length"/> items.</summary>
    private protected static void EnsureCapacity<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            Array.Resize(ref buffer, Math.Max(length, buffer.Length * 2));
        }
    }
}
