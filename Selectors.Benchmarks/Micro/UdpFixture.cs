using System;
using System.Net;
using System.Net.Sockets;

namespace Selectors.Benchmarks.Micro;

/// <summary>
/// N sockets of which K are readable, the same set-up as peers/micro.c and micro.py. Idle ones are unbound UDP
/// sockets: one descriptor each (10,000 fit under ulimit -n 20000, where socketpairs would need 20,000) and never
/// readable. Ready ones hold one datagram sent to themselves and never read, so they stay readable.
/// </summary>
internal sealed class UdpFixture : IDisposable
{
    public UdpFixture(int count, int ready)
    {
        Sockets = new Socket[count];
        for (int i = 0; i < count; i++)
        {
            Sockets[i] = IsReady(i, count, ready) ? ReadySocket() : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        }
    }

    public Socket[] Sockets { get; }

    /// <summary>An idle socket that is not in <see cref="Sockets"/>, for Register+Unregister.</summary>
    public Socket Spare { get; } = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    /// <summary>
    /// Whether socket <paramref name="index"/> of <paramref name="count"/> is one of the <paramref name="ready"/> ones:
    /// they are spread evenly, as the peers spread them, so that no scan finds them all at the front.
    /// </summary>
    public static bool IsReady(int index, int count, int ready)
    {
        int stride = ready > 0 ? count / ready : count + 1;
        return ready > 0 && index % stride == 0 && index / stride < ready;
    }

    public void Dispose()
    {
        foreach (Socket socket in Sockets)
        {
            socket.Dispose();
        }

        Spare.Dispose();
    }

    private static Socket ReadySocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.SendTo([1], socket.LocalEndPoint!);
        return socket;
    }
}
