using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;

namespace Selectors.Examples.Crawl;

/// <summary>
/// An incremental HTTP/1.1 response parser: feed it whatever each non-blocking receive returned, in any split, and it
/// reads the status line, the headers and a body framed by Content-Length, by chunked transfer coding, or by the
/// end of the connection. Everything it does not understand is a <see cref="MalformedResponseException"/>.
/// </summary>
/// <remarks>Sizes are capped, so a hostile or broken server cannot make the crawler buffer without limit.</remarks>
internal sealed partial class HttpResponseParser
{
    /// <summary>The longest status, header or chunk-size line accepted.</summary>
    public const int MaxLineLength = 8 * 1024;

    /// <summary>The most header lines accepted (lines, not names: a repeated name is joined into one growing value).</summary>
    public const int MaxHeaders = 100;

    private readonly MemoryStream _line = new();
    private readonly MemoryStream _body = new();
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);
    private State _state = State.StatusLine;
    private readonly int _maxBodyLength;
    private long _remaining;
    private int _headerLines;

    /// <summary>A parser for one response whose body may be at most <paramref name="maxBodyLength"/> bytes.</summary>
    public HttpResponseParser(int maxBodyLength) => _maxBodyLength = maxBodyLength;

    private enum State { StatusLine, Headers, Body, BodyUntilClose, ChunkSize, ChunkData, ChunkEnd, Trailers, Done }

    /// <summary>The status code (0 until the status line has been read).</summary>
    public int StatusCode { get; private set; }

    /// <summary>The reason phrase.</summary>
    public string Reason { get; private set; } = string.Empty;

    /// <summary>The headers; repeated ones joined with ", " as RFC 9110 allows.</summary>
    public IReadOnlyDictionary<string, string> Headers => _headers;

    /// <summary>Whether the whole response has been read.</summary>
    public bool IsComplete => _state == State.Done;

    /// <summary>The body (de-chunked), complete once <see cref="IsComplete"/>.</summary>
    public ReadOnlySpan<byte> Body => _body.GetBuffer().AsSpan(0, (int)_body.Length);

    /// <summary>Consumes received bytes; bytes after the end of the response are ignored.</summary>
    /// <exception cref="MalformedResponseException">The bytes break HTTP/1.1 or a size limit.</exception>
    public void Feed(ReadOnlySpan<byte> data)
    {
        // Bounded: every pass consumes at least one byte or finishes the response.
        while (!data.IsEmpty && _state != State.Done)
        {
            data = _state switch
            {
                State.Body or State.ChunkData => ConsumeCounted(data),
                State.BodyUntilClose => ConsumeRest(data),
                _ => ConsumeLine(data),
            };
        }
    }

    /// <summary>The server closed the connection: that ends a body without a length; anywhere else it is an error.</summary>
    /// <exception cref="MalformedResponseException">The response was cut short.</exception>
    public void EndOfStream()
    {
        if (_state == State.BodyUntilClose)
        {
            _state = State.Done;
        }
        else if (_state != State.Done)
        {
            throw new MalformedResponseException(_state == State.StatusLine && _line.Length == 0
                ? "connection closed without a response"
                : $"connection closed in the middle of the response ({Describe(_state)})");
        }
    }

    private ReadOnlySpan<byte> ConsumeLine(ReadOnlySpan<byte> data)
    {
        int newline = data.IndexOf((byte)'\n');
        ReadOnlySpan<byte> part = newline < 0 ? data : data[..newline];
        if (_line.Length + part.Length > MaxLineLength)
        {
            throw new MalformedResponseException($"{Describe(_state)} longer than {MaxLineLength} bytes");
        }

        _line.Write(part);
        if (newline < 0)
        {
            return ReadOnlySpan<byte>.Empty;
        }

        // HTTP lines end in CRLF; a bare LF is tolerated, as most clients do.
        ReadOnlySpan<byte> bytes = _line.GetBuffer().AsSpan(0, (int)_line.Length);
        string line = Encoding.Latin1.GetString(bytes.EndsWith("\r"u8) ? bytes[..^1] : bytes);
        _line.SetLength(0);
        OnLine(line);
        return data[(newline + 1)..];
    }

    private void OnLine(string line)
    {
        switch (_state)
        {
            case State.StatusLine:
                OnStatusLine(line);
                break;
            case State.Headers when line.Length == 0:
                OnHeadersEnd();
                break;
            case State.Headers:
                OnHeader(line);
                break;
            case State.ChunkSize:
                OnChunkSize(line);
                break;
            case State.ChunkEnd:
                _state = line.Length == 0 ? State.ChunkSize : throw new MalformedResponseException("chunk data longer than its size");
                break;
            case State.Trailers:
                _state = line.Length == 0 ? State.Done : State.Trailers; // Trailer fields are read and ignored.
                break;
        }
    }

    private void OnStatusLine(string line)
    {
        Match match = StatusLinePattern().Match(line);
        if (!match.Success)
        {
            throw new MalformedResponseException($"not an HTTP/1.x status line: '{Printable(line)}'");
        }

        StatusCode = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Reason = match.Groups[2].Value;
        _state = State.Headers;
    }

    private void OnHeader(string line)
    {
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || line[0] is ' ' or '\t')
        {
            throw new MalformedResponseException($"not a header line: '{Printable(line)}'");
        }

        // Counted per line: a server repeating one name endlessly must not grow one value without bound.
        if (++_headerLines > MaxHeaders)
        {
            throw new MalformedResponseException($"more than {MaxHeaders} headers");
        }

        string name = line[..colon].Trim();
        string value = line[(colon + 1)..].Trim();
        _headers[name] = _headers.TryGetValue(name, out string? earlier) ? $"{earlier}, {value}" : value;
    }

    private void OnHeadersEnd()
    {
        if (StatusCode is >= 100 and < 200)
        {
            // An interim response (100 Continue, 103 Early Hints): the real one follows on the same connection.
            _headers.Clear();
            _headerLines = 0;
            _state = State.StatusLine;
            return;
        }

        if (StatusCode is 204 or 304)
        {
            _state = State.Done; // These never have a body, whatever the headers say.
            return;
        }

        if (_headers.TryGetValue("Transfer-Encoding", out string? coding))
        {
            // Chunked must be the last coding; anything else is framed by the end of the connection (RFC 9112 6.3).
            _state = coding.TrimEnd().EndsWith("chunked", StringComparison.OrdinalIgnoreCase) ? State.ChunkSize : State.BodyUntilClose;
            return;
        }

        if (_headers.TryGetValue("Content-Length", out string? length))
        {
            // Repeated headers arrive joined: "10, 10" is tolerated, "10, 12" is not (RFC 9112 6.3).
            string[] values = length.Split(',', StringSplitOptions.TrimEntries);
            if (!long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out _remaining) || Array.Exists(values, v => v != values[0]))
            {
                throw new MalformedResponseException($"bad Content-Length: '{Printable(length)}'");
            }

            CheckBodyLimit(_remaining);
            _state = _remaining == 0 ? State.Done : State.Body;
            return;
        }

        _state = State.BodyUntilClose;
    }

    private void OnChunkSize(string line)
    {
        string size = line.Split(';', 2)[0].Trim(); // Chunk extensions are allowed and ignored.
        if (size.Length is 0 or > 15 || !long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _remaining))
        {
            throw new MalformedResponseException($"bad chunk size: '{Printable(line)}'");
        }

        CheckBodyLimit(_remaining);
        _state = _remaining == 0 ? State.Trailers : State.ChunkData;
    }

    private ReadOnlySpan<byte> ConsumeCounted(ReadOnlySpan<byte> data)
    {
        int take = (int)Math.Min(_remaining, data.Length);
        _body.Write(data[..take]);
        _remaining -= take;
        if (_remaining == 0)
        {
            _state = _state == State.ChunkData ? State.ChunkEnd : State.Done;
        }

        return data[take..];
    }

    private ReadOnlySpan<byte> ConsumeRest(ReadOnlySpan<byte> data)
    {
        CheckBodyLimit(data.Length);
        _body.Write(data);
        return ReadOnlySpan<byte>.Empty;
    }

    private void CheckBodyLimit(long more)
    {
        if (_body.Length + more > _maxBodyLength)
        {
            throw new MalformedResponseException($"body larger than {_maxBodyLength} bytes");
        }
    }

    private static string Describe(State state) => state switch
    {
        State.StatusLine => "status line",
        State.Headers => "headers",
        State.Body or State.BodyUntilClose => "body",
        State.ChunkSize or State.ChunkEnd => "chunk size line",
        State.ChunkData => "chunk data",
        State.Trailers => "trailers",
        _ => "response",
    };

    /// <summary>A line as it may appear in an error message: control characters escaped, at most 60 characters.</summary>
    private static string Printable(string line)
    {
        var text = new StringBuilder();
        foreach (char c in line.Length > 60 ? line[..60] : line)
        {
            text.Append(char.IsControl(c) || c > '~' ? $"\\x{(int)c:x2}" : c);
        }

        return line.Length > 60 ? text.Append("...").ToString() : text.ToString();
    }

    [GeneratedRegex(@"^HTTP/1\.[01] ([1-9][0-9]{2})(?: (.*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex StatusLinePattern();
}
