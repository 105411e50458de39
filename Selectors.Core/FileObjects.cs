using System;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Selectors;

/// <summary>Turns a file object into its descriptor, as Python's <c>_fileobj_lookup</c>.</summary>
internal static class FileObjects
{
    /// <summary>The descriptor, or -1 when the object yields none (closed, invalid, not a file object).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="fileObject"/> is null.</exception>
    internal static int TryGetFd(object fileObject)
    {
        ArgumentNullException.ThrowIfNull(fileObject);
        switch (fileObject)
        {
            case int fd:
                return Math.Max(fd, -1);
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

    /// <summary>The error for an object that yields no descriptor and is not registered by reference.</summary>
    internal static ArgumentException NoDescriptor(object fileObject) =>
        fileObject is int negative
            ? new ArgumentOutOfRangeException(nameof(fileObject), negative, $"Invalid file descriptor: {negative}")
            : new ArgumentException($"Invalid file object: {fileObject} yields no descriptor (closed, or not a file object).", nameof(fileObject));

    private static int FromHandle(SafeHandle handle) =>
        handle.IsClosed || handle.IsInvalid ? -1 : checked((int)handle.DangerousGetHandle());
}
