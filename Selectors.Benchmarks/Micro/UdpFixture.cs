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
        int stride = ready > 0 ? count / ready : count + 1;
        for (int i = 0; i < count; i++)
        {
            // Spread the ready ones evenly, as the peers do, so no scan finds them all at the front.
            bool isReady = ready > 0 && i % stride == 0 && i / stride < ready;
            Sockets[i] = isReady ? ReadySocket() : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        }
    }

    public Socket[] Sockets { get; }

    /// <summary>An idle socket that is not in <see cref="Sockets"/>, for Register+Unregister.</summary>
    public Socket Spare { get; } = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

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
