using System.Runtime.InteropServices;

internal static partial class Interop
{
    /// <summary>EFD_CLOEXEC and EFD_NONBLOCK: O_CLOEXEC and O_NONBLOCK as Linux defines them on every architecture .NET runs on.</summary>
    internal const int EFD_CLOEXEC = 0x80000;
    internal const int EFD_NONBLOCK = 0x800;

    internal const int F_SETFD = 2;
    internal const int F_GETFL = 3;
    internal const int F_SETFL = 4;
    internal const int FD_CLOEXEC = 1;

    /// <summary>O_NONBLOCK: 04000 on Linux, 0x0004 on macOS and the BSDs.</summary>
    internal static int O_NONBLOCK => System.OperatingSystem.IsLinux() ? 0x800 : 0x4;

    [LibraryImport(Libc, EntryPoint = "eventfd", SetLastError = true)]
    internal static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(Libc, EntryPoint = "pipe", SetLastError = true)]
    internal static unsafe partial int Pipe(int* fds);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    internal static unsafe partial nint Read(SafeDescriptorHandle fd, void* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    internal static unsafe partial nint Write(SafeDescriptorHandle fd, void* buffer, nuint count);
}
