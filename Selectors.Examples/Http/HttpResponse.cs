using System;
using System.Globalization;
using System.Text;

namespace Selectors.Examples;

/// <summary>
/// Writes the http example's responses: always Content-Length and Content-Type text/plain, and an explicit
/// Connection header, so HTTP/1.0 and HTTP/1.1 clients alike know whether the connection stays open.
/// </summary>
internal static class HttpResponse
{
    /// <summary>The body of every successful response, as in Python's epoll tutorial.</summary>
    public const string Hello = "Hello, world!";

    /// <summary>Appends a complete response to <paramref name="output"/>.</summary>
    /// <param name="output">The connection's output buffer.</param>
    /// <param name="status">The status code, e.g. 200.</param>
    /// <param name="reason">Its reason phrase, e.g. <c>OK</c>.</param>
    /// <param name="body">The text body (sent as UTF-8).</param>
    /// <param name="keepAlive">Whether the connection stays open after this response.</param>
    /// <param name="headOnly">A response to HEAD: the same headers (Content-Length of the body it would send), no body.</param>
    /// <param name="extraHeader">One more header line without its CRLF (e.g. <c>Allow: GET, HEAD</c>), or null.</param>
    public static void Write(OutputBuffer output, int status, string reason, string body, bool keepAlive, bool headOnly = false, string? extraHeader = null)
    {
        byte[] content = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {reason}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Date: {DateTime.UtcNow:r}\r\n")
            .Append("Server: Selectors.Examples\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {content.Length}\r\n")
            .Append(keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
        if (extraHeader is not null)
        {
            head.Append(extraHeader).Append("\r\n");
        }

        output.Enqueue(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        if (!headOnly)
        {
            output.Enqueue(content);
        }
    }
}
