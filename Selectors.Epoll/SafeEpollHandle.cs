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

    /// <summary>Whether the handle holds no descriptor (a negative value).</summary>
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>Closes the epoll descriptor.</summary>
    protected override bool ReleaseHandle() => Interop.Close(handle.ToInt32()) == 0;
}
