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
/// connection: the way to hand the crawler malformed responses. A path may instead be answered by a stream of pieces,
/// produced lazily (endless-looking headers or bodies, or a byte at a time with pauses), sent until the crawler hangs up
/// or the stream ends; each stream must be finite. Unknown paths get a 404. Runs on the thread pool until disposed; each
/// connection has 10 s socket timeouts, so nothing waits forever.
/// </summary>
internal sealed class ScriptedHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyDictionary<string, byte[]> _responses;
    private readonly IReadOnlyDictionary<string, Func<IEnumerable<byte[]>>> _streams;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    /// <summary>Serves <paramref name="responses"/>: request path → the exact bytes sent back; and
    /// <paramref name="streams"/>: request path → the pieces sent back one after the other (a finite sequence).</summary>
    public ScriptedHttpServer(IReadOnlyDictionary<string, byte[]> responses, IReadOnlyDictionary<string, Func<IEnumerable<byte[]>>>? streams = null)
    {
        _responses = responses;
        _streams = streams ?? new Dictionary<string, Func<IEnumerable<byte[]>>>();
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
                // A thread of its own: Answer blocks (a stream may pause between pieces), and on a small machine the
                // thread pool adds threads only slowly, which would delay other answers past the crawler's timeout.
                _ = Task.Factory.StartNew(() => Answer(client), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
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
                if (_streams.TryGetValue(path, out var stream))
                {
                    // Until the crawler hangs up (a send fails) or the server is disposed; the stream itself is finite.
                    foreach (byte[] piece in stream())
                    {
                        if (_stop.IsCancellationRequested)
                        {
                            return;
                        }

                        client.Send(piece);
                    }
                }
                else
                {
                    client.Send(_responses.TryGetValue(path, out byte[]? response)
                        ? response
                        : Bytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                }

                client.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // The crawler may close first (e.g. once it has read a complete response); nothing to do.
            }
        }
    }
}
