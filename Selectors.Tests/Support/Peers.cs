using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Selectors.Tests.Support;

/// <summary>
/// Real OS peers for tests: connected loopback sockets, socket pairs and pipes. Dispose what you take. On Windows a
/// socket pair is a loopback TCP pair (the fixtures have no AF_UNIX socketpair there), and the helpers on raw
/// descriptors that only Unix has (pipes, fcntl) throw <see cref="PlatformNotSupportedException"/>.
/// </summary>
internal static class Peers
{
    /// <summary>
    /// On Windows, the sockets behind the handles <see cref="SocketPairFds"/> returned, until <see cref="Close"/>: they
    /// own the handles, and holding them keeps their finalizers from closing the handles under the test.
    /// </summary>
    private static readonly ConcurrentDictionary<int, Socket> s_windowsSockets = new();

    /// <summary>A connected TCP pair on 127.0.0.1: (accepted server side, client side).</summary>
    internal static (Socket Server, Socket Client) TcpPair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        return (listener.Accept(), client);
    }

    /// <summary>
    /// A connected stream socket pair as raw descriptors (Python's <c>socket.socketpair()</c>): a Unix socket pair, or
    /// on Windows a loopback TCP pair whose socket handles stay owned here until <see cref="Close"/>.
    /// </summary>
    internal static (int A, int B) SocketPairFds()
    {
        if (OperatingSystem.IsWindows())
        {
            var (server, client) = TcpPair();
            return (Keep(server), Keep(client));
        }

        unsafe
        {
            int* fds = stackalloc int[2];
            Check(TestInterop.SocketPair(TestInterop.AF_UNIX, TestInterop.SOCK_STREAM, 0, fds), "socketpair");
            return (fds[0], fds[1]);
        }
    }

    /// <summary>A connected stream socket pair as .NET sockets owning their descriptors: Unix sockets, or loopback TCP on Windows.</summary>
    internal static (Socket A, Socket B) SocketPair()
    {
        if (OperatingSystem.IsWindows())
        {
            return TcpPair();
        }

        var (a, b) = SocketPairFds();
        return (new Socket(new SafeSocketHandle(a, ownsHandle: true)), new Socket(new SafeSocketHandle(b, ownsHandle: true)));
    }

    /// <summary>A pipe as raw descriptors: (read end, write end). Unix only.</summary>
    internal static (int Read, int Write) Pipe()
    {
        RequireUnix("Peers.Pipe");
        unsafe
        {
            int* fds = stackalloc int[2];
            Check(TestInterop.Pipe(fds), "pipe");
            return (fds[0], fds[1]);
        }
    }

    /// <summary>Writes <paramref name="count"/> bytes to a raw descriptor (on Windows: to a handle from <see cref="SocketPairFds"/>).</summary>
    internal static void Write(int fd, int count = 1)
    {
        var bytes = new byte[count];
        if (OperatingSystem.IsWindows())
        {
            KeptSocket(fd, "Write").Send(bytes);
            return;
        }

        unsafe
        {
            fixed (byte* buffer = bytes)
            {
                Check((int)TestInterop.Write(fd, buffer, (nuint)count), "write");
            }
        }
    }

    /// <summary>Reads up to <paramref name="count"/> bytes from a raw descriptor (on Windows: from a handle from <see cref="SocketPairFds"/>).</summary>
    internal static long Read(int fd, int count = 4096)
    {
        var bytes = new byte[count];
        if (OperatingSystem.IsWindows())
        {
            return KeptSocket(fd, "Read").Receive(bytes);
        }

        unsafe
        {
            fixed (byte* buffer = bytes)
            {
                long n = TestInterop.Read(fd, buffer, (nuint)count);
                Check((int)n, "read");
                return n;
            }
        }
    }

    /// <summary>Closes raw descriptors, ignoring EBADF (already closed); on Windows, disposes the sockets of handles from <see cref="SocketPairFds"/>.</summary>
    internal static void Close(params int[] fds)
    {
        foreach (int fd in fds)
        {
            if (!OperatingSystem.IsWindows())
            {
                TestInterop.Close(fd);
            }
            else if (s_windowsSockets.TryRemove(fd, out Socket? socket))
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>A second descriptor for the open file behind <paramref name="fd"/> (dup(2): the lowest free number). Unix only.</summary>
    internal static int Dup(int fd)
    {
        RequireUnix("Peers.Dup");
        int duplicate = TestInterop.Dup(fd);
        Check(duplicate, "dup");
        return duplicate;
    }

    /// <summary>Sets O_NONBLOCK on a raw descriptor. Unix only.</summary>
    internal static void SetNonBlocking(int fd)
    {
        RequireUnix("Peers.SetNonBlocking");
        int flags = TestInterop.Fcntl(fd, TestInterop.F_GETFL, 0);
        Check(flags, "fcntl(F_GETFL)");
        Check(TestInterop.Fcntl(fd, TestInterop.F_SETFL, flags | TestInterop.O_NONBLOCK), "fcntl(F_SETFL)");
    }

    /// <summary>
    /// Sets FD_CLOEXEC on a raw descriptor, so a child process started afterwards does not inherit it (socketpair and
    /// pipe create inheritable descriptors). Unix only.
    /// </summary>
    internal static void SetCloseOnExec(int fd)
    {
        RequireUnix("Peers.SetCloseOnExec");
        Check(TestInterop.Fcntl(fd, TestInterop.F_SETFD, TestInterop.FD_CLOEXEC), "fcntl(F_SETFD)");
    }

    /// <summary>
    /// The descriptor flags of <paramref name="fd"/> (fcntl F_GETFD: FD_CLOEXEC or 0), or -1 when it is not an open
    /// descriptor (errno in <see cref="TestInterop.LastErrno"/>). Unix only.
    /// </summary>
    internal static int DescriptorFlags(int fd)
    {
        RequireUnix("Peers.DescriptorFlags");
        return TestInterop.Fcntl(fd, TestInterop.F_GETFD, 0);
    }

    /// <summary>Throws <see cref="PlatformNotSupportedException"/> on Windows, naming the Unix-only <paramref name="helper"/>.</summary>
    internal static void RequireUnix(string helper)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException(
                $"{helper} works on Unix descriptors (pipes, fcntl, read/write), which Windows does not have; "
                + "exclude the test with [Platform(Exclude = \"Win\", Reason = ...)].");
        }
    }

    private static int Keep(Socket socket)
    {
        int handle = checked((int)socket.Handle);
        s_windowsSockets[handle] = socket;
        return handle;
    }

    private static Socket KeptSocket(int fd, string helper) =>
        s_windowsSockets.TryGetValue(fd, out Socket? socket)
            ? socket
            : throw new PlatformNotSupportedException(
                $"Peers.{helper} on Windows works only on socket handles from Peers.SocketPairFds (fd {fd} is not one); "
                + "Windows has no raw read/write on descriptors.");

    private static void Check(int result, string call)
    {
        if (result == -1)
        {
            throw new InvalidOperationException($"{call} failed: {TestInterop.LastErrno}");
        }
    }
}
