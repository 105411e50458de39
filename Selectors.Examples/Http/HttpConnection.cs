using System;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// One client of the http example, in the shape of Python's epoll "Hello, world!" server: read into a request buffer
/// until the blank line, queue the response and switch the interest to write, send it (partial sends continue on the
/// next writable event), then read again (keep-alive) or shut down and close.
/// </summary>
/// <remarks>
/// Pipelined requests are answered in order: every complete head in the buffer gets its response queued before the
/// connection waits to write. The connection watches Read or Write, never both, so a client that pipelines without
/// reading is slowed down by TCP flow control, not buffered without limit. A request head must arrive whole within the
/// head timeout of its first byte, however its bytes trickle in (each byte moves the idle deadline, not this one), so a
/// slowloris client that dribbles a head forever is closed; the same deadline bounds the graceful close.
/// </remarks>
internal sealed class HttpConnection : Connection
{
    private const int ReceiveChunk = 16 * 1024;

    // Past this much unsent output, parsing waits for the client to read what it asked for.
    private const int OutputHighWater = 64 * 1024;
    private static readonly byte[] BlankLine = "\r\n\r\n"u8.ToArray();
    private readonly InputBuffer _input = new(4096);
    private readonly int _maxHeaderBytes;
    private readonly long? _headTimeoutMilliseconds;

    // When the head being received (or the graceful close) must be over, or null when nothing is under way.
    private long? _headDeadline;

    // A response that ends the connection is queued: nothing after it is parsed.
    private bool _lastResponseQueued;

    // That response is sent and the write side shut down: input is read and dropped until the client closes, because
    // closing with unread input would make the kernel send a reset, which can destroy the response before it is read.
    private bool _lingering;

    /// <summary>Takes over an accepted socket.</summary>
    /// <param name="loop">The loop to run on.</param>
    /// <param name="socket">The accepted, non-blocking socket.</param>
    /// <param name="maxHeaderBytes">The longest request head; a longer one gets 431.</param>
    /// <param name="headTimeout">How long a request head may take from its first byte, and the graceful close from its
    /// start, or null for no limit.</param>
    public HttpConnection(ServerLoop loop, Socket socket, int maxHeaderBytes, TimeSpan? headTimeout)
        : base(loop, socket, SelectorEvents.Read)
    {
        _maxHeaderBytes = maxHeaderBytes;
        _headTimeoutMilliseconds = headTimeout is TimeSpan limit ? (long)Math.Ceiling(limit.TotalMilliseconds) : null;
    }

    /// <inheritdoc />
    public override void OnTimeout()
    {
        if (_headDeadline <= DeadlineQueue<Connection>.Now)
        {
            Close(_lingering ? "closing timeout" : "request head timeout");
        }
        else
        {
            base.OnTimeout();
        }
    }

    /// <inheritdoc />
    protected override long? FixedDeadline => _headDeadline;

    /// <inheritdoc />
    protected override void OnReadable()
    {
        if (Receive(_input, ReceiveChunk) == 0)
        {
            return; // Nothing came, or the connection closed.
        }

        if (_lingering)
        {
            _input.Clear();
            return;
        }

        AnswerBufferedRequests();
        UpdateInterest();
    }

    /// <inheritdoc />
    protected override void OnWritable()
    {
        if (!Flush())
        {
            return;
        }

        if (Output.IsEmpty)
        {
            AnswerBufferedRequests(); // Pipelined requests may have waited for the output to drain.
        }

        UpdateInterest();
    }

    private void AnswerBufferedRequests()
    {
        // Bounded: every pass consumes a request head (at least 4 bytes) or leaves the loop.
        while (!_lastResponseQueued && Output.Count < OutputHighWater)
        {
            // RFC 9112 asks servers to ignore empty lines before a request line (some clients send one after a body).
            while (_input.Data.StartsWith("\r\n"u8))
            {
                _input.Consume(2);
            }

            ReadOnlySpan<byte> data = _input.Data;
            int end = data.IndexOf(BlankLine);
            if (end < 0 ? data.Length >= _maxHeaderBytes : end + BlankLine.Length > _maxHeaderBytes)
            {
                Refuse(431, "Request Header Fields Too Large");
                return;
            }

            if (end < 0)
            {
                return; // The head is not complete yet.
            }

            HttpRequestHead? request = HttpRequestHead.Parse(data[..end], out int majorVersion);
            _input.Consume(end + BlankLine.Length);
            SetHeadDeadline(null); // The head is in; the next one, if any, gets its own time.
            Answer(request, majorVersion);
        }
    }

    private void Answer(HttpRequestHead? request, int majorVersion)
    {
        if (request is null)
        {
            Refuse(400, "Bad Request");
        }
        else if (majorVersion != 1)
        {
            Refuse(505, "HTTP Version Not Supported");
        }
        else if (request.Method is not ("GET" or "HEAD"))
        {
            Refuse(405, "Method Not Allowed", "Allow: GET, HEAD");
        }
        else
        {
            // This server never reads bodies, so after a request with one it cannot find the next request: it closes.
            bool keepAlive = request.KeepAlive && !request.HasBody;
            HttpResponse.Write(Output, 200, "OK", HttpResponse.Hello, keepAlive, headOnly: request.Method == "HEAD");
            _lastResponseQueued = !keepAlive;
        }
    }

    private void Refuse(int status, string reason, string? extraHeader = null)
    {
        // After an error the rest of the input cannot be trusted to start a request: answer, then close.
        HttpResponse.Write(Output, status, reason, reason + "\n", keepAlive: false, extraHeader: extraHeader);
        _lastResponseQueued = true;
        _input.Clear();
    }

    private void UpdateInterest()
    {
        if (IsClosed || _lingering)
        {
            return;
        }

        // The head clock runs while the connection waits for the rest of a request head, from its first byte on.
        bool awaitingHead = !_lastResponseQueued && Output.IsEmpty && _input.Count > 0;
        SetHeadDeadline(awaitingHead ? _headDeadline ?? HeadDeadlineFromNow() : null);
        if (!Output.IsEmpty)
        {
            Watch(SelectorEvents.Write);
        }
        else if (_lastResponseQueued)
        {
            StartLingering();
        }
        else
        {
            Watch(SelectorEvents.Read);
        }
    }

    private void StartLingering()
    {
        // Python's tutorial does shutdown(SHUT_RDWR) and closes on the hang-up; shutting down only the write side
        // sends the FIN now and still lets the client's unread bytes be drained. The idle timer bounds the wait.
        try
        {
            Socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException e)
        {
            Close($"shutdown: {e.SocketErrorCode}"); // The client reset the connection first.
            return;
        }

        _lingering = true;
        _input.Clear();
        Watch(SelectorEvents.Read);
        // The idle timer alone would let a client that keeps sending hold the connection open forever.
        SetHeadDeadline(HeadDeadlineFromNow());
    }

    private long? HeadDeadlineFromNow() => DeadlineQueue<Connection>.Now + _headTimeoutMilliseconds;

    private void SetHeadDeadline(long? deadline)
    {
        if (deadline != _headDeadline)
        {
            _headDeadline = deadline;
            Touch(); // The connection's timer is the sooner of this deadline and the idle one.
        }
    }
}
