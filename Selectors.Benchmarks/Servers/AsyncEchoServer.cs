using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Selectors.Benchmarks.Servers;

/// <summary>
/// The .NET peer most C# programmers would write: one async loop per connection, ReceiveAsync then SendAsync, the
/// runtime's own epoll engine and thread pool underneath. Runs until the process is killed.
/// </summary>
internal static class AsyncEchoServer
{
    public static int Run(int port)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(1024);
        Console.Out.WriteLine($"listening on {listener.LocalEndPoint} (backend: dotnet-async)");
        Console.Out.Flush();
        AcceptLoop(listener).GetAwaiter().GetResult();
        return 0;
    }

    private static async Task AcceptLoop(Socket listener)
    {
        while (true)
        {
            Socket client = await listener.AcceptAsync();
            _ = Serve(client); // One independent task per connection; it ends when the client closes.
        }
    }

    private static async Task Serve(Socket client)
    {
        using (client)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    // The Memory overloads return ValueTasks backed by reusable awaitables: the allocation-light path.
                    int received = await client.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                    if (received == 0)
                    {
                        return;
                    }

                    for (int sent = 0; sent < received;)
                    {
                        sent += await client.SendAsync(buffer.AsMemory(sent, received - sent), SocketFlags.None);
                    }
                }
            }
            catch (SocketException)
            {
                // The client reset the connection: it is gone.
            }
        }
    }
}
