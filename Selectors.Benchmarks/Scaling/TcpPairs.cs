using System;
using System.Net;
using System.Net.Sockets;
using Selectors.Benchmarks.Micro;

namespace Selectors.Benchmarks.Scaling;

/// <summary>
/// Connected loopback TCP pairs (127.0.0.1), made through one listener since Windows has no socketpair: the accepted
/// ends are <see cref="Sockets"/>, the ones to register. The peers of the ready ones have sent one byte that is never
/// read, so those stay readable for as long as the fixture lives; the others never become readable.
/// </summary>
internal sealed class TcpPairs : IDisposable
{
    // A connect and accept on loopback take microseconds, and the byte arrives as it is sent; this is a bound for a
    // stuck stack (Wine's included), not a wait that a working one comes near.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private readonly Socket?[] _peers;

    /// <summary>Makes <paramref name="count"/> pairs, of which <paramref name="ready"/>, spread evenly, are readable.</summary>
    /// <exception cref="SocketException">A socket call failed.</exception>
    /// <exception cref="TimeoutException">A connection was not accepted, or a byte did not arrive, within 10 s.</exception>
    public TcpPairs(int count, int ready)
    {
        Sockets = new Socket[count];
        _peers = new Socket?[count];
        try
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(16);
            for (int i = 0; i < count; i++)
            {
                Connect(listener, i, UdpFixture.IsReady(i, count, ready));
            }

            // Measured from the first Select on: every ready one must be readable by then.
            for (int i = 0; i < count; i++)
            {
                if (UdpFixture.IsReady(i, count, ready) && !Sockets[i].Poll(Limit, SelectMode.SelectRead))
                {
                    throw new TimeoutException($"pair {i}: its peer's byte did not arrive within {Limit.TotalSeconds} s");
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The accepted ends, to register; the caller must not close them (<see cref="Dispose"/> does).</summary>
    public Socket[] Sockets { get; }

    /// <summary>Closes both ends of every pair made.</summary>
    public void Dispose()
    {
        for (int i = 0; i < Sockets.Length; i++)
        {
            Sockets[i]?.Dispose();
            _peers[i]?.Dispose();
        }
    }

    private void Connect(Socket listener, int i, bool ready)
    {
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _peers[i] = peer;
        peer.Connect(listener.LocalEndPoint!);
        // One at a time, so the backlog never fills; the Poll bounds an Accept that would otherwise block for good.
        Sockets[i] = listener.Poll(Limit, SelectMode.SelectRead)
            ? listener.Accept()
            : throw new TimeoutException($"pair {i}: the connection was not accepted within {Limit.TotalSeconds} s");
        if (ready)
        {
            peer.Send([1]);
        }
    }
}
