using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal const int WAIT_TIMEOUT = 258;
    internal const byte FILE_SKIP_SET_EVENT_ON_HANDLE = 0x2;
    internal static readonly nint InvalidHandleValue = -1;

    /// <summary>OVERLAPPED_ENTRY: one dequeued completion packet.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct OverlappedEntry
    {
        public nuint CompletionKey;

        /// <summary>For an AFD poll, the context given to NtDeviceIoControlFile; for a posted packet, what was posted.</summary>
        public nint Overlapped;

        public nuint Internal;
        public uint NumberOfBytesTransferred;
    }

    [LibraryImport(Kernel32, SetLastError = true)]
    internal static partial nint CreateIoCompletionPort(nint fileHandle, nint existingCompletionPort, nuint completionKey, uint numberOfConcurrentThreads);

    [LibraryImport(Kernel32, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    internal static unsafe partial bool GetQueuedCompletionStatusEx(
        SafeHandle completionPort, OverlappedEntry* entries, uint count, out uint removed, uint milliseconds,
        [MarshalAs(UnmanagedType.Bool)] bool alertable);

    [LibraryImport(Kernel32, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    internal static partial bool PostQueuedCompletionStatus(SafeHandle completionPort, uint numberOfBytesTransferred, nuint completionKey, nint overlapped);

    [LibraryImport(Kernel32, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    internal static partial bool SetFileCompletionNotificationModes(SafeHandle fileHandle, byte flags);

    [LibraryImport(Kernel32, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    internal static partial bool CloseHandle(nint handle);

    /// <summary>The error of a failed Win32 call, naming it.</summary>
    internal static System.ComponentModel.Win32Exception Win32Error(string call)
    {
        int error = Marshal.GetLastPInvokeError();
        return new System.ComponentModel.Win32Exception(error, $"{call} failed: {Marshal.GetPInvokeErrorMessage(error)} ({error})");
    }
}
