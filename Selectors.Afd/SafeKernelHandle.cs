using Microsoft.Win32.SafeHandles;

namespace Selectors.Afd;

/// <summary>A Windows kernel object handle (the completion port, the AFD driver's file), closed with <c>CloseHandle</c>.</summary>
internal sealed class SafeKernelHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Used by the interop marshaller.</summary>
    public SafeKernelHandle() : base(ownsHandle: true)
    {
    }

    /// <summary>Owns <paramref name="handle"/>.</summary>
    internal SafeKernelHandle(nint handle) : base(ownsHandle: true) => SetHandle(handle);

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Interop.CloseHandle(handle);
}
