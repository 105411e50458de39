using System;
using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal const int STATUS_SUCCESS = 0;
    internal const int STATUS_PENDING = 0x103;
    internal const int STATUS_INVALID_HANDLE = unchecked((int)0xC0000008);
    internal const int STATUS_CANCELLED = unchecked((int)0xC0000120);
    internal const int STATUS_NOT_FOUND = unchecked((int)0xC0000225);

    internal const uint SYNCHRONIZE = 0x00100000;
    internal const uint FILE_SHARE_READ = 0x1;
    internal const uint FILE_SHARE_WRITE = 0x2;
    internal const uint FILE_OPEN = 1;

    /// <summary>NTSTATUS's success and informational values are non-negative; warnings and errors have the top bit set.</summary>
    internal static bool NtSuccess(int status) => status >= 0;

    /// <summary>IO_STATUS_BLOCK: the status and result size an asynchronous call writes when it completes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct IoStatusBlock
    {
        /// <summary>The NTSTATUS (a union with a pointer: the field below keeps the pointer-sized slot).</summary>
        public int Status;
        private readonly int _padding;
        public nuint Information;
    }

    /// <summary>UNICODE_STRING: lengths in bytes, without a terminating NUL.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct UnicodeString
    {
        public ushort Length;
        public ushort MaximumLength;
        public char* Buffer;
    }

    /// <summary>OBJECT_ATTRIBUTES: what NtCreateFile opens.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct ObjectAttributes
    {
        public uint Length;
        public nint RootDirectory;
        public UnicodeString* ObjectName;
        public uint Attributes;
        public void* SecurityDescriptor;
        public void* SecurityQualityOfService;
    }

    [LibraryImport(NtDll)]
    internal static unsafe partial int NtCreateFile(
        out nint fileHandle, uint desiredAccess, ObjectAttributes* objectAttributes, IoStatusBlock* ioStatusBlock,
        long* allocationSize, uint fileAttributes, uint shareAccess, uint createDisposition, uint createOptions,
        void* eaBuffer, uint eaLength);

    [LibraryImport(NtDll)]
    internal static unsafe partial int NtDeviceIoControlFile(
        SafeHandle fileHandle, nint eventHandle, nint apcRoutine, void* apcContext, IoStatusBlock* ioStatusBlock,
        uint ioControlCode, void* inputBuffer, uint inputBufferLength, void* outputBuffer, uint outputBufferLength);

    [LibraryImport(NtDll)]
    internal static unsafe partial int NtCancelIoFileEx(SafeHandle fileHandle, IoStatusBlock* ioRequestToCancel, IoStatusBlock* ioStatusBlock);

    [LibraryImport(NtDll)]
    internal static partial uint RtlNtStatusToDosError(int status);

    /// <summary>
    /// The one place that turns a failed NT call into the library's error: a <see cref="System.ComponentModel.Win32Exception"/>
    /// whose code is the status's Win32 error and whose message names the call and the NTSTATUS.
    /// </summary>
    internal static System.ComponentModel.Win32Exception NtError(string call, int status)
    {
        int error = (int)RtlNtStatusToDosError(status);
        return new System.ComponentModel.Win32Exception(
            error, $"{call} failed: NTSTATUS 0x{status:X8}: {Marshal.GetPInvokeErrorMessage(error)}");
    }
}
