using System.Runtime.InteropServices;

internal static partial class Interop
{
    /// <summary>struct pollfd: 8 bytes on every architecture.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        internal int Fd;
        internal short Events;
        internal short REvents;
    }

    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    internal static unsafe partial int Poll(PollFd* fds, nuint nfds, int timeoutMilliseconds);
}
