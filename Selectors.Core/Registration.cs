using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Selectors;

/// <summary>
/// What the selector keeps per registered descriptor besides the caller's <see cref="SelectorKey"/>: the generation
/// the OS tags its events with, and the handle whose closing the selector watches for.
/// </summary>
internal sealed class Registration
{
    /// <summary>A generation no registration has: stamps an event whose descriptor had no registration.</summary>
    internal const uint NoGeneration = uint.MaxValue;

    private bool _holdsReference;

    private Registration(SelectorKey key, uint generation, SafeHandle? handle)
    {
        Key = key;
        Generation = generation;
        Handle = handle;
    }

    /// <summary>The caller's key; replaced by Modify.</summary>
    internal SelectorKey Key { get; set; }

    /// <summary>Changes whenever the OS interest changes, so events queued for an older interest can be dropped.</summary>
    internal uint Generation { get; set; }

    /// <summary>The handle of a registered <see cref="Socket"/> or <see cref="SafeHandle"/>; null for a bare descriptor or an <see cref="IFileObject"/>.</summary>
    internal SafeHandle? Handle { get; }

    /// <summary>
    /// Removed from the OS interest set because its file object was closed while registered; the key stays in the map,
    /// so Unregister still finds it (by reference), until Unregister or a new registration of its number.
    /// </summary>
    internal bool Defunct { get; set; }

    internal int Fd => Key.Fd;

    /// <summary>Whether the registered file object was closed (or disposed) while registered.</summary>
    internal bool FileObjectClosed => Handle is { IsClosed: true };

    /// <summary>Whether this registration no longer watches the file it was made for.</summary>
    internal bool Stale => Defunct || FileObjectClosed;

    /// <summary>
    /// A registration for <paramref name="key"/>. A <see cref="SafeHandle"/> other than a socket's is reference-counted
    /// while registered: disposing it then only marks it closed, and its descriptor is closed when the selector lets go,
    /// so the number can't be reused under the selector. A socket's handle is not, because .NET's
    /// <see cref="Socket.Dispose()"/> spins, resetting the connection, until every reference is released (measured on .NET 10):
    /// a closed socket is recognised by its handle instead, and its events are dropped.
    /// </summary>
    internal static Registration Create(SelectorKey key, uint generation)
    {
        SafeHandle? handle = key.FileObject switch
        {
            Socket socket => socket.SafeHandle,
            SafeHandle safeHandle => safeHandle,
            _ => null,
        };

        var registration = new Registration(key, generation, handle);
        if (handle is not null and not SafeSocketHandle)
        {
            handle.DangerousAddRef(ref registration._holdsReference);
        }

        return registration;
    }

    /// <summary>Lets go of the handle, closing its descriptor now if its owner disposed it while registered. Idempotent.</summary>
    internal void Release()
    {
        if (_holdsReference)
        {
            _holdsReference = false;
            Handle!.DangerousRelease();
        }
    }
}
