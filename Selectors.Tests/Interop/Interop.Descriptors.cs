using System.Runtime.InteropServices;
using Mono.Unix.Native;

namespace Selectors.Tests;

/// <summary>
/// The descriptor and process calls the fixtures make (pipes, socket pairs, raw reads and writes, fcntl, kill), declared
/// here rather than taken from Mono.Posix's <c>Syscall</c>, which goes through its native helper, libMonoPosixHelper:
/// the tests must run where that helper is missing (the no-helper CI leg). The constants are Linux's, the same on
/// every architecture .NET runs on (x64, arm64); the tests run on Linux (and on Windows, where these are not called).
/// </summary>
internal static partial class TestInterop
{
    internal const int AF_UNIX = 1;
    internal const int SOCK_STREAM = 1;

    internal const int F_GETFD = 1;
    internal const int F_SETFD = 2;
    internal const int F_GETFL = 3;
    internal const int F_SETFL = 4;
    internal const int FD_CLOEXEC = 1;

    internal const int O_RDONLY = 0;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_CLOEXEC = 0x80000;

    internal const int SIGKILL = 9;
    internal const int SIGWINCH = 28;

    /// <summary>
    /// The errno of the last call here on this thread, as Mono.Posix's managed <see cref="Errno"/> enum, whose values
    /// are Linux's errno numbers (a cast, not <c>NativeConvert</c>, which would call the helper).
    /// </summary>
    internal static Errno LastErrno => (Errno)Marshal.GetLastPInvokeError();

    [LibraryImport(Libc, EntryPoint = "socketpair", SetLastError = true)]
    internal static unsafe partial int SocketPair(int domain, int type, int protocol, int* fds);

    [LibraryImport(Libc, EntryPoint = "pipe", SetLastError = true)]
    internal static unsafe partial int Pipe(int* fds);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    internal static unsafe partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    internal static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "dup", SetLastError = true)]
    internal static partial int Dup(int fd);

    /// <summary>fcntl(2) with an int argument (ignored by the F_GET* commands).</summary>
    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
