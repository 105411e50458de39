using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Selectors.Tests.Examples;

/// <summary>
/// A loopback server that answers each request path with fixed raw bytes, valid HTTP or not, then closes the
/// connection: the way to hand the crawler malformed responses. Unknown paths get a 404. Runs on the thread pool until
/// disposed; each connection has 10 s socket timeouts, so nothing waits forever.
/// </summary>
internal sealed class ScriptedHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyDictionary<string, byte[]> _responses;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    /// <summary>Serves <paramref name="responses"/>: request path → the exact bytes sent back.</summary>
    public ScriptedHttpServer(IReadOnlyDictionary<string, byte[]> responses)
    {
        _responses = responses;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Raw bytes from ASCII text (headers and bodies written with explicit \r\n).</summary>
    public static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _accepting.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client = await _listener.AcceptSocketAsync(_stop.Token);
                _ = Task.Run(() => Answer(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Disposed.
        }
    }

    private void Answer(Socket client)
    {
        using (client)
        {
            try
            {
                client.ReceiveTimeout = 10_000;
                client.SendTimeout = 10_000;
                var head = new StringBuilder();
                var buffer = new byte[4096];
                // Bounded: a request head is a few hundred bytes; give up after 64 KiB or at end of file.
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && head.Length < 65536)
                {
                    int n = client.Receive(buffer);
                    if (n == 0)
                    {
                        return;
                    }

                    head.Append(Encoding.Latin1.GetString(buffer, 0, n));
                }

                string path = head.ToString().Split(' ', 3) is [_, var p, _] ? p : "?";
                client.Send(_responses.TryGetValue(path, out byte[]? response)
                    ? response
                    : Bytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                client.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // The crawler may close first (e.g. once it has read a complete response); nothing to do.
            }
        }
    }
}
