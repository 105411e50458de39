using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Selectors.Examples.Crawl;

/// <summary>
/// One URL's fetch as a state machine driven by selector callbacks, the <c>Fetcher</c> of the Python crawler grown up:
/// a non-blocking connect (wait for EVENT_WRITE, then read SO_ERROR), the request sent (EVENT_WRITE again if the
/// send was partial), the response read on EVENT_READ into an <see cref="HttpResponseParser"/>, and a deadline
/// on the loop's timers. Each state's callback is the key's data; whatever happens, the fetch ends exactly once,
/// with its socket unregistered and closed, and reports to its owner.
/// An https:// URL takes one detour after the connect: .NET offers TLS only as <see cref="SslStream"/>, over a stream,
/// so the TLS exchange (handshake with SNI and certificate validation, request, response) is one coroutine on the same
/// loop, over a <see cref="LoopSocketStream"/>, feeding the same parser; the deadline and the ending stay the same.
/// </summary>
internal sealed class Fetcher
{
    private readonly SelectorLoop _loop;
    private readonly IPEndPoint _endpoint;
    private readonly FetchLimits _limits;
    private readonly Action<Fetcher> _onDone;
    private readonly byte[] _request;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private Socket? _socket;
    private readonly Action _onTimeout;
    private readonly SslClientAuthenticationOptions? _tls;
    private TimerHandle? _deadline;
    private int _sent;
    private CancellationTokenSource? _tlsCancel; // while the TLS coroutine runs: cancelled when the fetch ends early

    /// <summary>
    /// Prepares the fetch of <paramref name="url"/> from <paramref name="address"/>, over TLS with <paramref name="tls"/>
    /// (target host, trusted CAs) for an https:// URL; <see cref="Start"/> begins it.
    /// </summary>
    public Fetcher(SelectorLoop loop, Uri url, IPAddress address, FetchLimits limits, SslClientAuthenticationOptions? tls, Action<Fetcher> onDone)
    {
        _loop = loop;
        _tls = tls;
        Url = url;
        _endpoint = new IPEndPoint(address, url.Port);
        _limits = limits;
        _onDone = onDone;
        Response = new HttpResponseParser(limits.MaxResponseBytes);
        _onTimeout = () => Fail($"timed out after {limits.Timeout.TotalSeconds:0.###} s");
        _request = FetchWording.Request(url);
    }

    /// <summary>The URL fetched.</summary>
    public Uri Url { get; }

    /// <summary>The response, complete when <see cref="Error"/> is null after the fetch ended.</summary>
    public HttpResponseParser Response { get; }

    /// <summary>Why the fetch failed (refused, timed out, malformed response...), or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Bytes received from the server, headers included.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Whether the fetch has ended (successfully or not).</summary>
    public bool IsDone { get; private set; }

    /// <summary>Starts the non-blocking connect and the deadline; the outcome arrives through the callback given to the constructor.</summary>
    public void Start()
    {
        // One deadline for the whole fetch, set once: no read moves it, so a server that dribbles cannot stretch it.
        _deadline = _loop.CallLater(_limits.Timeout, _onTimeout);
        try
        {
            _socket = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false, NoDelay = true };
            try
            {
                _socket.Connect(_endpoint);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                // The usual case: the handshake goes on in the kernel, and the socket turns writable when it is over.
            }

            _loop.Selector.Register(_socket, SelectorEvents.Write, (Action<SelectorKey, SelectorEvents>)OnConnected);
        }
        catch (SocketException e)
        {
            Fail(FetchWording.Describe(e.SocketErrorCode)); // Refused at once, no route, out of descriptors...
        }
        catch (Exception e) when (e is ArgumentException or IOException)
        {
            // The selector would not take the socket (epoll_ctl out of memory or over max_user_watches, say).
            Fail($"cannot watch the socket: {e.Message}");
        }
    }

    /// <summary>Ends the fetch now (the crawl is stopping): the socket is closed, and the owner is told.</summary>
    public void Abort(string reason) => Fail(reason);

    private void OnConnected(SelectorKey key, SelectorEvents events)
    {
        // Writable means the handshake is over, not that it worked: SO_ERROR tells (Python's sock.getsockopt(SOL_SOCKET, SO_ERROR)).
        var error = (SocketError)(int)_socket!.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
        if (error != SocketError.Success)
        {
            Fail(FetchWording.Describe(error));
            return;
        }

        if (_tls is not null)
        {
            // The TLS coroutine waits through the loop's awaitables, which keep their own registration.
            _loop.Selector.Unregister(_socket);
            _tlsCancel = new CancellationTokenSource();
            _ = ExchangeOverTlsAsync(_socket, _tls, _tlsCancel.Token);
            return;
        }

        _loop.Selector.Modify(_socket, SelectorEvents.Write, (Action<SelectorKey, SelectorEvents>)OnWritable);
        OnWritable(key, events);
    }

    /// <summary>
    /// The https detour: handshake, request and response over <see cref="SslStream"/> on the loop. Ends the fetch
    /// itself, except when the fetch ended first (deadline, abort): then it only closes the socket, once the wait
    /// pending on it has been cancelled and the loop has let go of it.
    /// </summary>
    private async Task ExchangeOverTlsAsync(Socket socket, SslClientAuthenticationOptions options, CancellationToken cancel)
    {
        var tls = new SslStream(new LoopSocketStream(_loop, socket, ownsSocket: false));
        string phase = "TLS handshake: ";
        try
        {
            await tls.AuthenticateAsClientAsync(options, cancel);
            phase = string.Empty;
            await tls.WriteAsync(_request, cancel);
            while (!IsDone)
            {
                int received = await tls.ReadAsync(_buffer, cancel);
                if (!Accept(received, SocketError.Success))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The fetch already ended (deadline, or the crawl stopping): nothing more to say.
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            Fail(FetchWording.Tls(e));
        }
        catch (SocketException e)
        {
            Fail(phase + FetchWording.Describe(e.SocketErrorCode));
        }
        finally
        {
            tls.Dispose();
            socket.Dispose();
        }
    }

    private void OnWritable(SelectorKey key, SelectorEvents events)
    {
        int sent = _socket!.Send(_request.AsSpan(_sent), SocketFlags.None, out SocketError error);
        if (error is not (SocketError.Success or SocketError.WouldBlock))
        {
            Fail(FetchWording.Describe(error));
            return;
        }

        _sent += sent;
        if (_sent == _request.Length)
        {
            // Request sent: now wait for the response. Otherwise stay on EVENT_WRITE for the rest.
            _loop.Selector.Modify(_socket, SelectorEvents.Read, (Action<SelectorKey, SelectorEvents>)OnReadable);
        }
    }

    private void OnReadable(SelectorKey key, SelectorEvents events)
    {
        // One receive per readiness report keeps the loop fair among connections; level-triggered, it is called again.
        int received = _socket!.Receive(_buffer, SocketFlags.None, out SocketError error);
        Accept(received, error);
    }

    /// <summary>Takes in what one receive returned; ends the fetch when the response is complete or something failed.</summary>
    /// <returns>Whether to receive more.</returns>
    private bool Accept(int received, SocketError error)
    {
        try
        {
            switch (error)
            {
                case SocketError.WouldBlock:
                    return true; // Readiness is a hint.
                case SocketError.Success when received == 0:
                    Response.EndOfStream();
                    break;
                case SocketError.Success when BytesReceived + received > _limits.MaxResponseBytes:
                    // Counts every byte, so endless chunk-size lines or trailers are cut off too, not only a body.
                    Fail($"response larger than {_limits.MaxResponseBytes} bytes");
                    return false;
                case SocketError.Success:
                    BytesReceived += received;
                    Response.Feed(_buffer.AsSpan(0, received));
                    break;
                default:
                    Fail(FetchWording.Describe(error));
                    return false;
            }
        }
        catch (MalformedResponseException e)
        {
            Fail($"malformed response: {e.Message}");
            return false;
        }

        if (Response.IsComplete)
        {
            End(); // Done: whatever else the server sends is of no interest, and Connection: close was asked for.
            return false;
        }

        return true;
    }

    private void Fail(string reason)
    {
        if (!IsDone)
        {
            Error = reason;
            End();
        }
    }

    private void End()
    {
        IsDone = true;
        _deadline?.Cancel();
        if (_tlsCancel is not null)
        {
            // The TLS coroutine owns the socket now: it closes it when it returns, after its pending wait is cancelled.
            _tlsCancel.Cancel();
        }
        else if (_socket is not null)
        {
            // Unregister before closing: a closed descriptor's number can be reused at once by the next fetch.
            if (_loop.Selector.GetMap().TryGetValue((int)_socket.Handle, out SelectorKey? key) && ReferenceEquals(key.FileObject, _socket))
            {
                _loop.Selector.Unregister(_socket);
            }

            _socket.Dispose();
        }

        _onDone(this);
    }
}
