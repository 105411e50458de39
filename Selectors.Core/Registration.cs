using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;

namespace Selectors;

/// <summary>
/// What the selector keeps per registered descriptor besides the caller's <see cref="SelectorKey"/>: the trigger mode,
/// the engine's tag, the file object's handle and whether it holds a reference to it. Engines read it on the select path without a lock,
/// so what they read is written before it is published (<see cref="Tag"/>) or is a single reference (<see cref="Key"/>),
/// and the flags two threads may race on change atomically. It is small on purpose: one per registration.
/// </summary>
internal sealed class Registration
{
    private const int TriggerBits = (int)(SelectorTrigger.Edge | SelectorTrigger.OneShot);
    private const int HoldsReferenceBit = 1 << 4;
    private const int LeftInterestSetBit = 1 << 5;

    private int _flags;

    private Registration(SelectorKey key, SelectorTrigger trigger)
    {
        Key = key;
        _flags = (int)trigger;
        Handle = key.FileObject switch
        {
            Socket socket => socket.SafeHandle,
            SafeHandle handle => handle,
            _ => null,
        };
    }

    /// <summary>The caller's key; replaced by Modify.</summary>
    internal SelectorKey Key { get; set; }

    /// <summary>
    /// The engine's mark for this registration, set before the engine publishes it: epoll's event data (the
    /// registration's slot and that slot's generation), select's index in its list.
    /// </summary>
    internal ulong Tag { get; set; }

    /// <summary>How the OS reports readiness for it (epoll only: edge-triggered, one-shot). Changed under the selector's lock.</summary>
    internal SelectorTrigger Trigger
    {
        get => (SelectorTrigger)(Volatile.Read(ref _flags) & TriggerBits);
        set
        {
            int flags;
            do
            {
                flags = Volatile.Read(ref _flags);
            }
            while (Interlocked.CompareExchange(ref _flags, (flags & ~TriggerBits) | (int)value, flags) != flags);
        }
    }

    internal int Fd => Key.Fd;

    /// <summary>Whether the registered file object (a <see cref="Socket"/> or a <see cref="SafeHandle"/>) was closed or disposed while registered.</summary>
    internal bool FileObjectClosed => Handle is { IsClosed: true };

    /// <summary>Whether it left the OS interest set: unregistered, or its file object found closed while registered.</summary>
    internal bool LeftInterestSet => (Volatile.Read(ref _flags) & LeftInterestSetBit) != 0;

    /// <summary>Whether this registration no longer watches the file it was made for.</summary>
    internal bool Stale => LeftInterestSet || FileObjectClosed;

    /// <summary>
    /// The handle of a registered <see cref="Socket"/> or <see cref="SafeHandle"/>; null for a bare descriptor or an
    /// <see cref="IFileObject"/>. Kept, not derived from the key, because the select path checks it for every event:
    /// derived, the check reads two more objects (the key and the socket), which at 1,000 registrations measured
    /// 0.05 to 0.1 µs more per Select with 10 ready, in cache misses.
    /// </summary>
    private SafeHandle? Handle { get; }

    /// <summary>
    /// A registration for <paramref name="key"/>. A <see cref="SafeHandle"/> other than a socket's is reference-counted
    /// while registered: disposing it then only marks it closed, and its descriptor is closed when the selector lets go,
    /// so the number can't be reused under the selector. A socket's handle is not, because .NET's
    /// <see cref="Socket.Dispose()"/> spins, resetting the connection, until every reference is released (measured on .NET 10):
    /// a closed socket is recognised by its handle instead, and its events are dropped.
    /// </summary>
    internal static Registration Create(SelectorKey key, SelectorTrigger trigger)
    {
        var registration = new Registration(key, trigger);
        if (registration.Handle is { } handle and not SafeSocketHandle)
        {
            bool added = false;
            handle.DangerousAddRef(ref added);
            registration._flags |= added ? HoldsReferenceBit : 0;
        }

        return registration;
    }

    /// <summary>
    /// Claims the one removal from the OS interest set: true for the first caller only, so that the select path (finding
    /// the file object closed) and Unregister on another thread never both remove it.
    /// </summary>
    internal bool TryLeaveInterestSet() => (Interlocked.Or(ref _flags, LeftInterestSetBit) & LeftInterestSetBit) == 0;

    /// <summary>Lets go of the handle, closing its descriptor now if its owner disposed it while registered. Idempotent and thread-safe.</summary>
    internal void Release()
    {
        if ((Interlocked.And(ref _flags, ~HoldsReferenceBit) & HoldsReferenceBit) != 0)
        {
            Handle!.DangerousRelease();
        }
    }
}
