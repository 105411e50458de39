using System;
using System.IO;
using System.Net.Sockets;
using System.Text;

namespace Selectors.Examples.Crawl;

/// <summary>
/// What both crawlers (<see cref="Fetcher"/> on callbacks, <see cref="AsyncFetch"/> as a coroutine) say on the wire
/// and in their error lines, kept once so that the two modes send the same request and print the same errors.
/// </summary>
internal static class FetchWording
{
    /// <summary>
    /// The request for <paramref name="url"/>. Connection: close lets a body without Content-Length or chunking end
    /// with the connection, and spares the crawler from managing idle keep-alive connections.
    /// </summary>
    public static byte[] Request(Uri url) => Encoding.ASCII.GetBytes(
        $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUser-Agent: Selectors.Examples-crawl/1.0\r\n"
        + "Accept: text/html, */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n");

    /// <summary>A socket error as an error line's reason.</summary>
    public static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset by the server",
        SocketError.TimedOut => "connection timed out",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        _ => $"socket error: {error}",
    };

    /// <summary>A TLS failure (validation, or the stream's I/O) as an error line's reason: the socket error under it when there is one.</summary>
    public static string Tls(Exception e) =>
        $"TLS: {(e is IOException { InnerException: SocketException inner } ? Describe(inner.SocketErrorCode) : e.Message)}";
}
