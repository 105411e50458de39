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

/// <summary>How one fetch of <see cref="AsyncFetch"/> ended.</summary>
/// <param name="Response">The response, complete when <paramref name="Error"/> is null.</param>
/// <param name="BytesReceived">Bytes received from the server, headers included.</param>
/// <param name="Error">Why the fetch failed (refused, timed out, malformed response, TLS...), or null.</param>
internal sealed record FetchResult(HttpResponseParser Response, long BytesReceived, string? Error);

/// <summary>
/// One URL's fetch as a coroutine, the <c>fetch</c> of 500 Lines' asyncio crawler: <c>await</c> the connect, the
/// request, and each receive into an <see cref="HttpResponseParser"/>, where <see cref="Fetcher"/> has one callback
/// per state. For an https URL, an <see cref="SslStream"/> over a <see cref="LoopSocketStream"/> carries the request and
/// the response. One deadline on the loop's timers covers the whole fetch; the socket is closed whatever happens.
/// </summary>
internal static class AsyncFetch
{
    /// <summary>
    /// Fetches <paramref name="url"/> from <paramref name="address"/> within <paramref name="limits"/>, over TLS with
    /// <paramref name="tlsOptions"/> when given (https). Every failure
    /// of the URL is in the result's <see cref="FetchResult.Error"/>; only a cancellation of
    /// <paramref name="stopToken"/> (the crawl is stopping) ends it with an <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<FetchResult> RunAsync(
        SelectorLoop loop, Uri url, IPAddress address, FetchLimits limits, SslClientAuthenticationOptions? tlsOptions, CancellationToken stopToken)
    {
        var response = new HttpResponseParser(limits.MaxResponseBytes);
        long received = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopToken);
        // One deadline for the whole fetch, on the loop's timers (so it fires on the loop's thread): no read moves it.
        TimerHandle timer = loop.CallLater(limits.Timeout, deadline.Cancel);
        CancellationToken token = deadline.Token;
        Socket? socket = null;
        SslStream? tls = null;
        string phase = string.Empty; // what a socket error interrupted, as the callback crawler says it
        try
        {
            socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false, NoDelay = true };
            await loop.SockConnectAsync(socket, new IPEndPoint(address, url.Port), token);
            if (tlsOptions is not null)
            {
                tls = new SslStream(new LoopSocketStream(loop, socket, ownsSocket: false));
                phase = "TLS handshake: ";
                await tls.AuthenticateAsClientAsync(tlsOptions, token);
                phase = string.Empty;
            }

            byte[] request = FetchWording.Request(url);
            if (tls is null)
            {
                await loop.SockSendAllAsync(socket, request, token);
            }
            else
            {
                await tls.WriteAsync(request, token);
            }

            byte[] buffer = new byte[16 * 1024];
            while (!response.IsComplete)
            {
                int count = tls is null ? await loop.SockRecvAsync(socket, buffer, token) : await tls.ReadAsync(buffer, token);
                if (count == 0)
                {
                    response.EndOfStream(); // Ends a body that runs until close, or throws: the response was cut short.
                    break;
                }

                if (received + count > limits.MaxResponseBytes)
                {
                    // Counts every byte, so endless chunk-size lines or trailers are cut off too, not only a body.
                    return new FetchResult(response, received, $"response larger than {limits.MaxResponseBytes} bytes");
                }

                received += count;
                response.Feed(buffer.AsSpan(0, count));
            }

            return new FetchResult(response, received, null);
        }
        catch (OperationCanceledException) when (!stopToken.IsCancellationRequested)
        {
            return new FetchResult(response, received, $"timed out after {limits.Timeout.TotalSeconds:0.###} s");
        }
        catch (MalformedResponseException e)
        {
            return new FetchResult(response, received, $"malformed response: {e.Message}");
        }
        catch (SocketException e) when (!stopToken.IsCancellationRequested)
        {
            return new FetchResult(response, received, phase + FetchWording.Describe(e.SocketErrorCode));
        }
        catch (Exception e) when (tls is not null && e is AuthenticationException or IOException && !stopToken.IsCancellationRequested)
        {
            return new FetchResult(response, received, FetchWording.Tls(e));
        }
        catch (Exception e) when (e is ArgumentException or IOException && !stopToken.IsCancellationRequested)
        {
            // The selector would not take the socket (epoll_ctl out of memory or over max_user_watches, say).
            return new FetchResult(response, received, $"cannot watch the socket: {e.Message}");
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException)
        {
            // Failed while the crawl stops (the built-in site closes its connections on the same signal): a cut fetch.
            throw new OperationCanceledException("The crawl is stopping.", e, stopToken);
        }
        finally
        {
            timer.Cancel();
            // Every await is over, so no call of the loop is pending on the socket (a cancelled one removed its
            // interest at once). A completed one may leave the registration until the loop's next turn: take it out
            // before closing, since the descriptor's number can be reused at once by the next fetch.
            tls?.Dispose();
            if (socket is not null)
            {
                Unregister(loop, socket);
                socket.Dispose();
            }
        }
    }

    private static void Unregister(SelectorLoop loop, Socket socket)
    {
        try
        {
            if (loop.Selector.GetMap().TryGetValue((int)socket.Handle, out SelectorKey? key) && ReferenceEquals(key.FileObject, socket))
            {
                loop.Selector.Unregister(socket);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or ArgumentException or IOException)
        {
            // Already gone as far as the selector can tell.
        }
    }
}
