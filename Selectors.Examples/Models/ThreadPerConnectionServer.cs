using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace Selectors.Examples;

/// <summary>
/// The model the selector replaces: Python's <c>socketserver.ThreadingTCPServer</c>, one thread blocked in accept and
/// one thread per connection blocked in recv, echoing. Listens on loopback as soon as it is created.
/// </summary>
internal sealed class ThreadPerConnectionServer : ILoopbackServer
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly TextWriter? _log;
    private readonly Thread _acceptor;
    private readonly List<(Socket Socket, Thread Thread)> _clients = new(); // kept to the end: a run has a fixed number of clients
    private readonly object _gate = new();
    private bool _stopping;

    /// <summary>Listens on 127.0.0.1 (a port the OS chooses) and starts accepting.</summary>
    public ThreadPerConnectionServer(TextWriter? log)
    {
        _log = log;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        _acceptor = new Thread(Accept) { IsBackground = true, Name = "accept" };
        _acceptor.Start();
    }

    /// <summary>The address clients connect to.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Stops accepting, closes every connection (which ends its thread) and waits for the threads.</summary>
    public void Dispose()
    {
        List<(Socket Socket, Thread Thread)> clients;
        lock (_gate)
        {
            _stopping = true;
            clients = new(_clients);
        }

        _listener.Dispose(); // Aborts the blocking Accept.
        _acceptor.Join(TimeSpan.FromSeconds(5));
        foreach (var (socket, thread) in clients)
        {
            socket.Dispose(); // Aborts a blocking Receive.
            thread.Join(TimeSpan.FromSeconds(5));
        }
    }

    private void Accept()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
                client.NoDelay = true; // An echo answers each piece as it comes; see EchoServer.
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // Disposed: the server is stopping.
            }

            lock (_gate)
            {
                if (_stopping)
                {
                    client.Dispose();
                    return;
                }

                var thread = new Thread(() => Serve(client)) { IsBackground = true, Name = "connection" };
                _clients.Add((client, thread));
                thread.Start();
            }
        }
    }

    private void Serve(Socket client)
    {
        IPEndPoint? peer = client.RemoteEndPoint as IPEndPoint;
        _log?.WriteLine($"connect {peer}");
        string reason = "eof";
        var buffer = new byte[16 * 1024];
        try
        {
            // Blocking calls: the thread is the state. Send sends everything before it returns.
            for (int received; (received = client.Receive(buffer)) > 0;)
            {
                client.Send(buffer, 0, received, SocketFlags.None);
            }
        }
        catch (SocketException e)
        {
            reason = SocketErrors.Describe(e.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
            reason = "server stopping";
        }

        client.Dispose();
        _log?.WriteLine($"close {peer} ({reason})");
    }
}
