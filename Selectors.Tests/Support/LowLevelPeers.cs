using System;
using System.Net;
using System.Net.Sockets;
using Mono.Unix.Native;

namespace Selectors.Tests.Support;

/// <summary>
/// Fixtures for the lower-layer tests, beside <see cref="Peers"/>: errno-returning reads, refused connects, open files.
/// The descriptor helpers are Unix only (they throw <see cref="PlatformNotSupportedException"/> on Windows).
/// </summary>
internal static class LowLevelPeers
{
    /// <summary>One read(2) from a raw descriptor: the byte count, or -1 and the errno (EAGAIN when a non-blocking descriptor is empty).</summary>
    internal static (long Count, Errno Errno) TryRead(int fd, int count = 4096)
    {
        Peers.RequireUnix("LowLevelPeers.TryRead");
        var bytes = new byte[count];
        unsafe
        {
            fixed (byte* buffer = bytes)
            {
                long n = TestInterop.Read(fd, buffer, (nuint)count);
                return n >= 0 ? (n, 0) : (-1, TestInterop.LastErrno);
            }
        }
    }

    /// <summary>One write(2) of <paramref name="count"/> bytes to a raw descriptor: the byte count, or -1 and the errno (EPIPE when the reader is gone: .NET ignores SIGPIPE).</summary>
    internal static (long Count, Errno Errno) TryWrite(int fd, int count = 1)
    {
        Peers.RequireUnix("LowLevelPeers.TryWrite");
        var bytes = new byte[count];
        unsafe
        {
            fixed (byte* buffer = bytes)
            {
                long n = TestInterop.Write(fd, buffer, (nuint)count);
                return n >= 0 ? (n, 0) : (-1, TestInterop.LastErrno);
            }
        }
    }

    /// <summary>Reads a non-blocking descriptor until EAGAIN, at most <paramref name="maxReads"/> times; returns the bytes read.</summary>
    internal static long Drain(int fd, int maxReads = 1000)
    {
        long total = 0;
        for (int i = 0; i < maxReads; i++)
        {
            var (n, errno) = TryRead(fd);
            if (n < 0)
            {
                return errno == Errno.EAGAIN
                    ? total
                    : throw new InvalidOperationException($"read failed: {errno}");
            }

            if (n == 0)
            {
                throw new InvalidOperationException("read returned end of file while draining.");
            }

            total += n;
        }

        throw new InvalidOperationException($"fd {fd} still had data after {maxReads} reads.");
    }

    /// <summary>Opens a file read-only and returns its descriptor.</summary>
    internal static int Open(string path)
    {
        Peers.RequireUnix("LowLevelPeers.Open");
        int fd = TestInterop.Open(path, TestInterop.O_RDONLY | TestInterop.O_CLOEXEC);
        return fd >= 0 ? fd : throw new InvalidOperationException($"open({path}) failed: {TestInterop.LastErrno}");
    }

    /// <summary>
    /// A non-blocking TCP socket whose connect to 127.0.0.1 is being refused: the target port is held by a bound socket
    /// that does not listen, so nothing else can take it and the kernel answers with RST.
    /// Returns (the connecting socket, the port holder); dispose both.
    /// </summary>
    internal static (Socket Connecting, Socket PortHolder) RefusedConnect()
    {
        var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            client.Blocking = false;
            try
            {
                client.Connect(holder.LocalEndPoint!);
                throw new InvalidOperationException("connect to a port nobody listens on succeeded.");
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                // EINPROGRESS: the refusal arrives asynchronously, as the tests want.
            }

            return (client, holder);
        }
        catch
        {
            client.Dispose();
            holder.Dispose();
            throw;
        }
    }

    /// <summary>The descriptor of a socket.</summary>
    internal static int Fd(this Socket socket) => checked((int)socket.Handle);
}
