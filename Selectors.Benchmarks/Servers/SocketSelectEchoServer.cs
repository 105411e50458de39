using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;

namespace Selectors.Benchmarks.Servers;

/// <summary>
/// The .NET peer a Python porter writes by hand today: one thread, <see cref="Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, int)"/>
/// over a list rebuilt before every call (Select removes the sockets that are not ready). Sockets stay blocking: a
/// readable socket's Receive does not block, and a 64-byte Send fits the socket buffer. Runs until killed.
/// </summary>
internal static class SocketSelectEchoServer
{
    public static int Run(int port)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(1024);
        Console.Out.WriteLine($"listening on {listener.LocalEndPoint} (backend: dotnet-socket-select)");
        Console.Out.Flush();

        var clients = new List<Socket>();
        var readable = new List<Socket>();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            readable.Clear();
            readable.Add(listener);
            readable.AddRange(clients);
            Socket.Select(readable, null, null, -1);
            foreach (Socket socket in readable)
            {
                if (socket == listener)
                {
                    clients.Add(listener.Accept());
                    continue;
                }

                int received = socket.Receive(buffer, SocketFlags.None, out SocketError error);
                if (error != SocketError.Success || received == 0)
                {
                    clients.Remove(socket);
                    socket.Dispose();
                    continue;
                }

                socket.Send(buffer, 0, received, SocketFlags.None);
            }
        }
    }
}
