using System;
using System.Runtime.InteropServices;

namespace Selectors.Epoll;

/// <summary>Owns an epoll descriptor and closes it exactly once, even if its <see cref="EpollInstance"/> is never disposed.</summary>
public sealed class SafeEpollHandle : SafeHandle
{
    /// <summary>Creates an invalid handle, for the marshaller.</summary>
    public SafeEpollHandle() : base(new IntPtr(-1), ownsHandle: true)
    {
    }

    internal SafeEpollHandle(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    /// <inheritdoc />
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Interop.Close(handle.ToInt32()) == 0;
}
