using System;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Text;

namespace Selectors.Examples.Crawl.Site;

/// <summary>
/// One client of the <see cref="SiteServer"/>: reads the request head on EVENT_READ, then writes the whole response
/// on EVENT_WRITE (partial sends resumed), then closes; one request per connection (<c>Connection: close</c>).
/// </summary>
internal sealed class SiteConnection
{
    private const int MaxRequestHead = 16 * 1024;
    private const int ChunkSize = 700; // Small, so a page is several chunks.

    private readonly ISelector _selector;
    private readonly Socket _socket;
    private readonly SitePages _pages;
    private readonly MemoryStream _head = new();
    private byte[] _response = [];
    private int _sent;

    /// <summary>Takes over an accepted, non-blocking socket and waits for its request.</summary>
    public SiteConnection(ISelector selector, Socket socket, SitePages pages)
    {
        _selector = selector;
        _socket = socket;
        _pages = pages;
        _selector.Register(socket, SelectorEvents.Read, (Action<SelectorEvents>)OnReadable);
    }

    /// <summary>Unregisters and closes the socket.</summary>
    public void Close()
    {
        _selector.Unregister(_socket);
        _socket.Dispose();
    }

    private void OnReadable(SelectorEvents events)
    {
        var buffer = new byte[4096];
        int received = _socket.Receive(buffer, SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock)
        {
            return;
        }

        if (error != SocketError.Success || received == 0)
        {
            Close(); // The client gave up before sending a whole request.
            return;
        }

        _head.Write(buffer, 0, received);
        string head = Encoding.Latin1.GetString(_head.GetBuffer(), 0, (int)_head.Length);
        int end = head.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end >= 0)
        {
            Respond(head[..end]);
        }
        else if (_head.Length > MaxRequestHead)
        {
            _response = Response(431, "Request Header Fields Too Large", "text/plain", "request head too large\n"u8.ToArray(), chunked: false);
            StartWriting();
        }
    }

    private void Respond(string head)
    {
        string[] requestLine = head.Split("\r\n", 2)[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            _response = Response(400, "Bad Request", "text/plain", "bad request line\n"u8.ToArray(), chunked: false);
        }
        else if (requestLine[0] != "GET")
        {
            _response = Response(405, "Method Not Allowed", "text/plain", "only GET\n"u8.ToArray(), chunked: false);
        }
        else if (_pages.TryFind(requestLine[1], out int index))
        {
            _response = Response(200, "OK", "text/html; charset=utf-8", _pages.Render(index), SitePages.IsChunked(index));
        }
        else
        {
            _response = Response(404, "Not Found", "text/plain", "no such page\n"u8.ToArray(), chunked: false);
        }

        StartWriting();
    }

    private void StartWriting()
    {
        _selector.Modify(_socket, SelectorEvents.Write, (Action<SelectorEvents>)OnWritable);
        OnWritable(SelectorEvents.Write); // Most responses fit the send buffer at once.
    }

    private void OnWritable(SelectorEvents events)
    {
        int sent = _socket.Send(_response.AsSpan(_sent), SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock)
        {
            return;
        }

        _sent += error == SocketError.Success ? sent : 0;
        if (error != SocketError.Success || _sent == _response.Length)
        {
            Close(); // Everything sent (or the client is gone): Connection: close ends the body for nobody, since it is framed.
        }
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
