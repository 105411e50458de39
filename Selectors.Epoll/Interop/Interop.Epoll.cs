using System.Runtime.InteropServices;
using Selectors.Epoll;

internal static partial class Interop
{
    /// <summary>O_CLOEXEC as the kernel defines it (octal 02000000), the flag Mono.Posix gets wrong.</summary>
    internal const int EPOLL_CLOEXEC = 0x80000;

    internal const int EPOLL_CTL_ADD = 1;
    internal const int EPOLL_CTL_DEL = 2;
    internal const int EPOLL_CTL_MOD = 3;

    /// <summary>
    /// struct epoll_event is packed (12 bytes, data at offset 4) on x86 and x86-64 only; every other architecture
    /// uses natural alignment (16 bytes, data at offset 8).
    /// </summary>
    internal static bool EpollEventIsPacked { get; } =
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;

    /// <summary>struct epoll_event on architectures where it is naturally aligned (arm64 and the rest).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct AlignedEpollEvent
    {
        internal uint Events;
        private readonly uint _padding;
        internal ulong Data;
    }

    [LibraryImport(Libc, EntryPoint = "epoll_create1", SetLastError = true)]
    internal static partial int EpollCreate1(int flags);

    [LibraryImport(Libc, EntryPoint = "epoll_ctl", SetLastError = true)]
    internal static unsafe partial int EpollCtl(SafeEpollHandle epfd, int op, int fd, void* epollEvent);

    [LibraryImport(Libc, EntryPoint = "epoll_wait", SetLastError = true)]
    internal static unsafe partial int EpollWait(SafeEpollHandle epfd, void* events, int maxEvents, int timeoutMilliseconds);
}
