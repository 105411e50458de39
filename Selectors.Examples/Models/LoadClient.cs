using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace Selectors.Examples;

/// <summary>
/// The in-process load for the <c>models</c> comparison: N connections, each on its own thread, ping-ponging a fixed
/// message (send it, read it back whole, check it) for a fixed time. Every socket call has a timeout, so a stuck
/// server costs an error, not a hang.
/// </summary>
internal static class LoadClient
{
    private const int SocketTimeoutMilliseconds = 5_000;

    /// <summary>Connects <paramref name="connections"/> clients to <paramref name="server"/> and measures for <paramref name="seconds"/>.</summary>
    /// <param name="server">The echo server.</param>
    /// <param name="connections">How many connections, all open before the clock starts.</param>
    /// <param name="seconds">How long to measure.</param>
    /// <param name="size">The message size in bytes.</param>
    /// <param name="stop">Ends the measurement early (Ctrl+C).</param>
    public static LoadResult Run(IPEndPoint server, int connections, double seconds, int size, StopSignal stop)
    {
        var message = new byte[size];
        new Random(size).NextBytes(message);
        var latencies = new List<long>[connections];
        int errors = 0;
        var sockets = new List<Socket>();
        try
        {
            // Connect all first, so the clock measures serving, not connecting.
            for (int i = 0; i < connections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
                {
                    NoDelay = true, // Each message is one small write that should leave at once.
                    SendTimeout = SocketTimeoutMilliseconds,
                    ReceiveTimeout = SocketTimeoutMilliseconds,
                };
                sockets.Add(socket);
                socket.Connect(server);
            }

            long start = Stopwatch.GetTimestamp();
            long deadline = start + (long)(seconds * Stopwatch.Frequency);
            var threads = new Thread[connections];
            for (int i = 0; i < connections; i++)
            {
                int index = i;
                threads[i] = new Thread(() =>
                {
                    latencies[index] = new List<long>();
                    if (!PingPong(sockets[index], message, deadline, stop, latencies[index]))
                    {
                        Interlocked.Increment(ref errors);
                    }
                }) { IsBackground = true, Name = $"client {i}" };
                threads[i].Start();
            }

            foreach (Thread thread in threads)
            {
                // Bounded: each thread stops at the deadline, plus at most one round trip's socket timeout.
                thread.Join(TimeSpan.FromSeconds(seconds) + TimeSpan.FromMilliseconds(3 * SocketTimeoutMilliseconds));
            }

            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var all = new List<long>();
            foreach (List<long>? list in latencies)
            {
                all.AddRange(list ?? []);
            }

            return LoadResult.From(all, elapsed, errors);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    /// <summary>One connection's loop; false on any failure or a wrong echo.</summary>
    private static bool PingPong(Socket socket, byte[] message, long deadline, StopSignal stop, List<long> latencies)
    {
        var reply = new byte[message.Length];
        try
        {
            while (Stopwatch.GetTimestamp() < deadline && !stop.IsRequested)
            {
                long sent = Stopwatch.GetTimestamp();
                socket.Send(message);
                for (int got = 0, n; got < reply.Length; got += n)
                {
                    n = socket.Receive(reply, got, reply.Length - got, SocketFlags.None);
                    if (n == 0)
                    {
                        return false; // The server closed the connection.
                    }
                }

                latencies.Add(Stopwatch.GetTimestamp() - sent);
                if (!reply.AsSpan().SequenceEqual(message))
                {
                    return false;
                }
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
