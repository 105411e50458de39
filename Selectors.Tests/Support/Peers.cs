using System;
using System.Net;
using System.Net.Sockets;
using Mono.Unix.Native;

namespace Selectors.Tests.Support;

/// <summary>Real OS peers for tests: connected loopback sockets, socket pairs and pipes. Dispose what you take.</summary>
internal static class Peers
{
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

    /// <summary>A Unix stream socket pair as raw descriptors (Python's <c>socket.socketpair()</c>).</summary>
    internal static (int A, int B) SocketPairFds()
    {
        Check(Syscall.socketpair(UnixAddressFamily.AF_UNIX, UnixSocketType.SOCK_STREAM, 0, out int a, out int b), "socketpair");
        return (a, b);
    }

    /// <summary>A Unix stream socket pair as .NET sockets owning their descriptors.</summary>
    internal static (Socket A, Socket B) SocketPair()
    {
        var (a, b) = SocketPairFds();
        return (new Socket(new SafeSocketHandle(a, ownsHandle: true)), new Socket(new SafeSocketHandle(b, ownsHandle: true)));
    }

    /// <summary>A pipe as raw descriptors: (read end, write end).</summary>
    internal static (int Read, int Write) Pipe()
    {
        Check(Syscall.pipe(out int read, out int write), "pipe");
        return (read, write);
    }

    /// <summary>Writes bytes to a raw descriptor.</summary>
    internal static void Write(int fd, int count = 1)
    {
        var bytes = new byte[count];
        unsafe
        {
            fixed (byte* buffer = bytes)
            {
                Check((int)Syscall.write(fd, buffer, (ulong)count), "write");
            }
        }
    }

    /// <summary>Reads up to <paramref name="count"/> bytes from a raw descriptor.</summary>
    internal static long Read(int fd, int count = 4096)
    {
        var bytes = new byte[count];
        unsafe
        {
            fixed (byte* buffer = bytes)
            {
                long n = Syscall.read(fd, buffer, (ulong)count);
                Check((int)n, "read");
                return n;
            }
        }
    }

    /// <summary>Closes a raw descriptor, ignoring EBADF (already closed).</summary>
    internal static void Close(params int[] fds)
    {
        foreach (int fd in fds)
        {
            Syscall.close(fd);
        }
    }

    /// <summary>Sets O_NONBLOCK on a raw descriptor.</summary>
    internal static void SetNonBlocking(int fd)
    {
        int flags = Syscall.fcntl(fd, FcntlCommand.F_GETFL);
        Check(flags, "fcntl(F_GETFL)");
        Check(Syscall.fcntl(fd, FcntlCommand.F_SETFL, flags | (int)OpenFlags.O_NONBLOCK), "fcntl(F_SETFL)");
    }

    /// <summary>
    /// Sets FD_CLOEXEC on a raw descriptor, so a child process started afterwards does not inherit it (Mono's
    /// socketpair and pipe create inheritable descriptors).
    /// </summary>
    internal static void SetCloseOnExec(int fd) => Check(Syscall.fcntl(fd, FcntlCommand.F_SETFD, 1 /* FD_CLOEXEC */), "fcntl(F_SETFD)");

    private static void Check(int result, string call)
    {
        if (result == -1)
        {
            throw new InvalidOperationException($"{call} failed: {Stdlib.GetLastError()}");
        }
    }
}
