using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Selectors;

/// <summary>Turns a file object into its descriptor, as Python's <c>_fileobj_lookup</c>.</summary>
internal static class FileObjects
{
    /// <summary>
    /// The descriptor of <paramref name="fileObject"/>; when it yields none (closed, invalid), the descriptor of the
    /// key registered with that very object, found by reference, so a closed object can still be unregistered.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="fileObject"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">It is a negative descriptor.</exception>
    /// <exception cref="ArgumentException">It yields no descriptor and is not registered by reference.</exception>
    internal static int Lookup(object fileObject, Dictionary<int, SelectorKey> keys)
    {
        ArgumentNullException.ThrowIfNull(fileObject);
        int fd = TryGetFd(fileObject);
        if (fd >= 0)
        {
            return fd;
        }

        foreach (SelectorKey key in keys.Values)
        {
            if (ReferenceEquals(key.FileObject, fileObject))
            {
                return key.Fd;
            }
        }

        throw fileObject is int negative
            ? new ArgumentOutOfRangeException(nameof(fileObject), negative, $"Invalid file descriptor: {negative}")
            : new ArgumentException($"Invalid file object: {fileObject} yields no descriptor (closed, or not a file object).", nameof(fileObject));
    }

    /// <summary>The descriptor, or -1 when the object yields none.</summary>
    private static int TryGetFd(object fileObject)
    {
        switch (fileObject)
        {
            case int fd:
                return fd;
            case Socket socket:
                // Socket.Handle keeps answering the old number after Dispose; only the SafeHandle knows.
                return FromHandle(socket.SafeHandle);
            case SafeHandle handle:
                return FromHandle(handle);
            case IFileObject file:
                try
                {
                    return Math.Max(file.Fileno(), -1);
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException)
                {
                    // Python's ValueError/TypeError from fileno(): a closed or unusable object.
                    return -1;
                }

            default:
                return -1;
        }
    }

    private static int FromHandle(SafeHandle handle) =>
        handle.IsClosed || handle.IsInvalid ? -1 : checked((int)handle.DangerousGetHandle());
}
