using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Selectors.Tests.Examples;

/// <summary>
/// A hostile client: after an optional prefix it sends the same filler bytes as fast as the server takes them, and never
/// reads, until the server cuts it off (a send fails), the server stops taking bytes (back-pressure: every send would
/// block for <see cref="StallTime"/>), or a byte or time limit is reached. Runs on its own task, non-blocking sends.
/// </summary>
internal sealed class FloodClient : IDisposable
{
    /// <summary>How long sends must keep failing with would-block before the flood counts as held back.</summary>
    public static readonly TimeSpan StallTime = TimeSpan.FromMilliseconds(500);

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private long _sent;

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> and starts sending.</summary>
    /// <param name="port">The server's port.</param>
    /// <param name="prefix">Sent first, e.g. the start of a request line.</param>
    /// <param name="filler">Sent again and again after the prefix, 64 KiB at a time.</param>
    /// <param name="maxBytes">Stop after this many bytes.</param>
    /// <param name="maxTime">Stop after this long.</param>
    public FloodClient(int port, string prefix, byte filler, long maxBytes, TimeSpan maxTime)
    {
        // A small receive buffer: what the server sends back (an echo) fills it soon, as a client that never reads.
        _socket.ReceiveBufferSize = 4096;
        _socket.Connect(IPAddress.Loopback, port);
        _socket.Blocking = false;
        byte[] chunk = new byte[64 * 1024];
        Array.Fill(chunk, filler);
        Outcome = Task.Run(() => Flood(Encoding.ASCII.GetBytes(prefix), chunk, maxBytes, maxTime));
    }

    /// <summary>How the flood ended.</summary>
    public enum End { CutOff, HeldBack, LimitReached }

    /// <summary>Bytes the kernel took so far.</summary>
    public long BytesSent => Interlocked.Read(ref _sent);

    /// <summary>How the flood ended, once it has.</summary>
    public Task<End> Outcome { get; }

    /// <summary>What the server sent back, read once the flood is over: at most 64 KiB, waiting at most <paramref name="wait"/>.</summary>
    public async Task<string> ReadReplyAsync(TimeSpan wait)
    {
        await Outcome;
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        var clock = Stopwatch.StartNew();
        // Bounded by the wait and the size.
        while (reply.Length < 64 * 1024 && clock.Elapsed < wait && _socket.Poll((int)(wait - clock.Elapsed).TotalMicroseconds, SelectMode.SelectRead))
        {
            int n = _socket.Receive(buffer, SocketFlags.None, out SocketError error);
            if (error != SocketError.Success || n == 0)
            {
                break;
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return reply.ToString();
    }

    public void Dispose()
    {
        Outcome.Wait(TimeSpan.FromSeconds(10)); // The task owns the socket until it ends; it ends within its time limit.
        _socket.Dispose();
    }

    private End Flood(byte[] prefix, byte[] chunk, long maxBytes, TimeSpan maxTime)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? blockedSince = null;
        ReadOnlyMemory<byte> pending = prefix;
        // Bounded by maxTime: every pass sends, or waits at most 10 ms for the socket to take more.
        while (clock.Elapsed < maxTime && BytesSent < maxBytes)
        {
            if (pending.IsEmpty)
            {
                pending = chunk;
            }

            int n = _socket.Send(pending.Span, SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                blockedSince ??= clock.Elapsed;
                if (clock.Elapsed - blockedSince >= StallTime)
                {
                    return End.HeldBack;
                }

                _socket.Poll(10_000, SelectMode.SelectWrite);
                continue;
            }

            if (error != SocketError.Success)
            {
                return End.CutOff;
            }

            blockedSince = null;
            pending = pending[n..];
            Interlocked.Add(ref _sent, n);
        }

        return End.LimitReached;
    }
}
