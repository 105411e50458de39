using System;
using System.Runtime.InteropServices;

/// <summary>Owns a descriptor the library opened for itself (a waker's eventfd or pipe end) and closes it exactly once.</summary>
internal sealed class SafeDescriptorHandle : SafeHandle
{
    /// <summary>Creates an invalid handle, for the marshaller.</summary>
    public SafeDescriptorHandle() : base(new IntPtr(-1), ownsHandle: true)
    {
    }

    internal SafeDescriptorHandle(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The descriptor's number.</summary>
    internal int Fd => handle.ToInt32();

    protected override bool ReleaseHandle() => Interop.Close(handle.ToInt32()) == 0;
}
