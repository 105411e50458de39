using System;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Text;

namespace Selectors.Examples.Crawl.Site;

/// <summary>
/// One client of the <see cref="SiteServer"/>, on the examples' shared <see cref="Connection"/>: reads the request
/// head on EVENT_READ, queues the whole response and writes it on EVENT_WRITE (partial sends resumed), then closes;
/// one request per connection (<c>Connection: close</c>).
/// </summary>
internal sealed class SiteConnection : Connection
{
    private const int MaxRequestHead = 16 * 1024;
    private const int ReceiveChunk = 4096;
    private const int ChunkSize = 700; // Small, so a chunked page is several chunks.
    private static readonly byte[] BlankLine = "\r\n\r\n"u8.ToArray();

    private readonly SitePages _pages;
    private readonly InputBuffer _input = new(ReceiveChunk);
    private bool _answered;

    /// <summary>Takes over an accepted, non-blocking socket and waits for its request.</summary>
    public SiteConnection(ServerLoop loop, Socket socket, SitePages pages)
        : base(loop, socket, SelectorEvents.Read)
    {
        _pages = pages;
    }

    /// <inheritdoc />
    protected override void OnReadable()
    {
        if (_answered || Receive(_input, ReceiveChunk) == 0)
        {
            return; // Nothing came, or the client closed (Receive closed us too).
        }

        int end = _input.Data.IndexOf(BlankLine);
        if (end >= 0)
        {
            Answer(Respond(Encoding.Latin1.GetString(_input.Data[..end])));
        }
        else if (_input.Count > MaxRequestHead)
        {
            Answer(Response(431, "Request Header Fields Too Large", "text/plain", "request head too large\n"u8.ToArray(), chunked: false));
        }
    }

    /// <inheritdoc />
    protected override void OnWritable()
    {
        if (Flush() && Output.IsEmpty)
        {
            Close("answered"); // The response is framed, so closing right after it loses nothing.
        }
    }

    private void Answer(byte[] response)
    {
        _answered = true;
        Output.Enqueue(response);
        Watch(SelectorEvents.Write);
        OnWritable(); // Most responses fit the send buffer at once.
    }

    private byte[] Respond(string head)
    {
        string[] requestLine = head.Split("\r\n", 2)[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return Response(400, "Bad Request", "text/plain", "bad request line\n"u8.ToArray(), chunked: false);
        }

        if (requestLine[0] != "GET")
        {
            return Response(405, "Method Not Allowed", "text/plain", "only GET\n"u8.ToArray(), chunked: false);
        }

        return _pages.TryFind(requestLine[1], out int index)
            ? Response(200, "OK", "text/html; charset=utf-8", _pages.Render(index), SitePages.IsChunked(index))
            : Response(404, "Not Found", "text/plain", "no such page\n"u8.ToArray(), chunked: false);
    }

    private static byte[] Response(int status, string reason, string contentType, byte[] body, bool chunked)
    {
        var response = new MemoryStream();
        string framing = chunked ? "Transfer-Encoding: chunked" : $"Content-Length: {body.Length}";
        response.Write(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {reason}\r\nServer: Selectors.Examples-site\r\nContent-Type: {contentType}\r\n{framing}\r\nConnection: close\r\n\r\n"));
        if (!chunked)
        {
            response.Write(body);
            return response.ToArray();
        }

        for (int offset = 0; offset < body.Length; offset += ChunkSize)
        {
            int length = Math.Min(ChunkSize, body.Length - offset);
            response.Write(Encoding.ASCII.GetBytes(length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
            response.Write(body, offset, length);
            response.Write("\r\n"u8);
        }

        response.Write("0\r\n\r\n"u8);
        return response.ToArray();
    }
}
