using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace Selectors.Examples;

/// <summary>
/// The echo server as coroutines on a <see cref="SelectorLoop"/>, as asyncio writes it: an accept loop
/// (<c>await loop.sock_accept(listener)</c>) and one coroutine per connection (<c>sock_recv</c>, then
/// <c>sock_sendall</c>, until the end of the stream), all on the loop's one thread. With a certificate, each connection
/// is TLS: an <see cref="SslStream"/> over a <see cref="LoopSocketStream"/>, so the handshake and the records run on the
/// loop too.
/// </summary>
/// <remarks>
/// The connection coroutines are fire-and-forget tasks kept in a set: an exception ends its own connection (and is
/// logged), never the server. A stop request (the <see cref="StopSignal"/>'s wake-up socket turns readable) cancels
/// the token every call takes; each coroutine then closes its connection, and <see cref="Run"/> returns once all have.
/// The server owns its listener, its connections and its loop (which owns the selector).
/// </remarks>
internal sealed class AsyncEchoServer : IDisposable
{
    /// <summary>The listen backlog, as the callback server's.</summary>
    private const int Backlog = 1024;

    /// <summary>How long a TLS client has to finish its handshake.</summary>
    private static readonly TimeSpan HandshakeLimit = TimeSpan.FromSeconds(10);

    /// <summary>How long the connections have to close after a stop request before the rest are closed regardless.</summary>
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(5);

    /// <summary>How long to pause accepting after an accept error such as running out of descriptors.</summary>
    private static readonly TimeSpan AcceptPause = TimeSpan.FromMilliseconds(100);

    private readonly SelectorLoop _loop;
    private readonly Socket _listener;
    private readonly X509Certificate2? _certificate;
    private readonly TextWriter? _log;
    private readonly TextWriter _errors;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Task> _connections = [];
    private readonly HashSet<Socket> _open = [];

    /// <summary>Listens on <paramref name="endpoint"/>; serving starts with <see cref="Run"/>.</summary>
    /// <param name="selector">The selector for the loop; the server owns it from now on.</param>
    /// <param name="endpoint">Where to listen; port 0 lets the OS choose (see <see cref="LocalEndPoint"/>).</param>
    /// <param name="certificate">The server certificate, with its private key, to serve TLS; null for plain TCP. The
    /// server owns it.</param>
    /// <param name="log">Where to write one line per connect and close, or null.</param>
    /// <param name="errors">Where to report failed handshakes, accept errors and unexpected connection failures.</param>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public AsyncEchoServer(BaseSelector selector, IPEndPoint endpoint, X509Certificate2? certificate, TextWriter? log, TextWriter errors)
    {
        _loop = new SelectorLoop(selector, ownsSelector: true);
        _certificate = certificate;
        _log = log;
        _errors = errors;
        _listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(endpoint);
            _listener.Listen(Backlog);
            _listener.Blocking = false; // sock_accept wants a non-blocking listener, as asyncio's does
        }
        catch
        {
            _listener.Dispose();
            _loop.Dispose();
            certificate?.Dispose(); // the server owns it, as its Dispose says
            throw;
        }
    }

    /// <summary>The address the server listens on, with the port the OS chose.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>The selector backend the loop runs on.</summary>
    public SelectorBackend Backend => _loop.Selector.Backend;

    /// <summary>The connections accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Serves until <paramref name="stop"/> is requested and every connection is closed.</summary>
    public void Run(StopSignal stop) => _loop.RunUntilComplete(() => ServeAsync(stop));

    /// <summary>Closes whatever is still open (nothing, after <see cref="Run"/>), the listener and the loop.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        foreach (Socket socket in _open.ToList())
        {
            Release(socket);
        }

        Release(_listener);
        _loop.Dispose();
        _stopping.Dispose();
        _certificate?.Dispose();
    }

    private async Task ServeAsync(StopSignal stop)
    {
        Task accepting = AcceptLoopAsync(_stopping.Token);
        try
        {
            // The stop request as an awaitable: the wake-up socket turns readable when Ctrl+C or SIGTERM arrives.
            while (!stop.IsRequested)
            {
                await _loop.WaitReadableAsync(stop.WakeUp);
                stop.Drain();
            }
        }
        finally
        {
            Forget(stop.WakeUp); // It belongs to the StopSignal, not to this server.
            _stopping.Cancel();
            await accepting; // ends at the cancellation; it catches its own errors
            await StopConnectionsAsync();
        }
    }

    private async Task AcceptLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _loop.SockAcceptAsync(_listener, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue; // the client left before we accepted it
            }
            catch (SocketException e)
            {
                // Out of descriptors, or out of memory: keep the open connections going and try again shortly.
                _errors.WriteLine($"accept failed ({e.SocketErrorCode}): pausing {AcceptPause.TotalMilliseconds:0} ms");
                await SleepAsync(AcceptPause);
                continue;
            }

            // An echo sends back each piece as it arrives: no Nagle delay on the last small piece.
            client.NoDelay = true;
            Accepted++;
            _open.Add(client);
            Start(client, stopping);
        }
    }

    /// <summary>Starts the connection's coroutine and keeps its task until it ends; its failure is logged, not thrown.</summary>
    private void Start(Socket client, CancellationToken stopping)
    {
        Task connection = _certificate is null ? EchoAsync(client, stopping) : EchoTlsAsync(client, _certificate, stopping);
        _connections.Add(connection);
        _ = ForgetWhenDoneAsync(connection);
    }

    private async Task ForgetWhenDoneAsync(Task connection)
    {
        try
        {
            await connection;
        }
        catch (Exception e)
        {
            _errors.WriteLine($"connection failed: {e}"); // a bug in a coroutine: report it, serve on
        }
        finally
        {
            _connections.Remove(connection);
        }
    }

    /// <summary>One plain connection: receive, send it all back, until the end of the stream.</summary>
    private async Task EchoAsync(Socket client, CancellationToken stopping)
    {
        IPEndPoint? peer = client.RemoteEndPoint as IPEndPoint;
        _log?.WriteLine($"connect {peer}");
        string reason = "eof";
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int received = await _loop.SockRecvAsync(client, buffer, stopping);
                if (received == 0)
                {
                    break;
                }

                // Reads only once everything read before is sent: a client that does not read is slowed by TCP.
                await _loop.SockSendAllAsync(client, buffer.AsMemory(0, received), stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            reason = "server stopping";
        }
        catch (SocketException e)
        {
            reason = SocketErrors.Describe(e.SocketErrorCode);
        }
        finally
        {
            Close(client, peer, reason);
        }
    }

    /// <summary>One TLS connection: handshake within <see cref="HandshakeLimit"/>, echo the records' plaintext until
    /// the end of the stream, then close_notify.</summary>
    private async Task EchoTlsAsync(Socket client, X509Certificate2 certificate, CancellationToken stopping)
    {
        IPEndPoint? peer = client.RemoteEndPoint as IPEndPoint;
        _log?.WriteLine($"connect {peer}");
        string reason = "eof";
        var tls = new SslStream(new LoopSocketStream(_loop, client, ownsSocket: true));
        try
        {
            using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                handshake.CancelAfter(HandshakeLimit);
                try
                {
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, handshake.Token);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested && e is OperationCanceledException or AuthenticationException or IOException or SocketException)
                {
                    string why = e is OperationCanceledException ? $"no handshake within {HandshakeLimit.TotalSeconds:0} s" : e.Message;
                    _errors.WriteLine($"tls handshake with {peer} failed: {why}");
                    reason = "handshake failed";
                    return;
                }
            }

            var buffer = new byte[16 * 1024];
            while (true)
            {
                int received = await tls.ReadAsync(buffer, stopping);
                if (received == 0)
                {
                    break;
                }

                await tls.WriteAsync(buffer.AsMemory(0, received), stopping);
            }

            await tls.ShutdownAsync(); // close_notify: the client's end of stream is ours too
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            reason = "server stopping";
        }
        catch (SocketException e)
        {
            reason = SocketErrors.Describe(e.SocketErrorCode);
        }
        catch (IOException e)
        {
            reason = e.InnerException is SocketException s ? SocketErrors.Describe(s.SocketErrorCode) : $"error: {e.Message}";
        }
        finally
        {
            Forget(client); // before the stream closes the socket: its descriptor number can be reused at once
            await tls.DisposeAsync();
            Close(client, peer, reason);
        }
    }

    /// <summary>After the stop request: waits, a bounded time, for the coroutines to close their connections.</summary>
    private async Task StopConnectionsAsync()
    {
        if (_connections.Count == 0)
        {
            return;
        }

        Task all = Task.WhenAll(_connections.ToList());
        Task limit = SleepAsync(StopLimit);
        if (await Task.WhenAny(all, limit) == limit)
        {
            _errors.WriteLine($"{_connections.Count} connections did not close within {StopLimit.TotalSeconds:0} s; closing them");
        }
    }

    /// <summary>A delay on the loop's timers (asyncio's <c>asyncio.sleep</c>): the continuation resumes on the loop.</summary>
    private Task SleepAsync(TimeSpan delay)
    {
        var done = new TaskCompletionSource();
        _loop.CallLater(delay, () => done.TrySetResult());
        return done.Task;
    }

    private void Close(Socket client, IPEndPoint? peer, string reason)
    {
        if (_open.Remove(client))
        {
            Release(client);
            _log?.WriteLine($"close {peer} ({reason})");
        }
    }

    /// <summary>Unregisters (if the loop's awaitables left it registered) and closes.</summary>
    private void Release(Socket socket)
    {
        Forget(socket);
        socket.Dispose();
    }

    /// <summary>Takes <paramref name="socket"/> out of the selector, if it is there: unregister before closing, since
    /// a closed descriptor's number can be reused at once by the next accept.</summary>
    private void Forget(Socket socket)
    {
        if (socket.SafeHandle.IsClosed)
        {
            return;
        }

        if (_loop.Selector.GetMap().TryGetValue((int)socket.Handle, out SelectorKey? key) && ReferenceEquals(key.FileObject, socket))
        {
            _loop.Selector.Unregister(socket);
        }
    }
}
