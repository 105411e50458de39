using System;
using System.Text;

namespace Selectors.Examples;

/// <summary>
/// What the http example needs from a request head (the request line and header lines, without the blank line):
/// the method, the version, whether the client wants the connection kept open, and whether a body follows.
/// </summary>
/// <param name="Method">The method token, e.g. <c>GET</c> (methods are case-sensitive).</param>
/// <param name="Target">The request target, e.g. <c>/</c>.</param>
/// <param name="MinorVersion">0 for HTTP/1.0, 1 for HTTP/1.1 (later 1.x are answered as 1.1).</param>
/// <param name="KeepAlive">HTTP/1.1 keeps the connection unless <c>Connection: close</c>; HTTP/1.0 closes unless <c>Connection: keep-alive</c>.</param>
/// <param name="HasBody">Whether Content-Length (not 0) or Transfer-Encoding announces a body.</param>
internal sealed record HttpRequestHead(string Method, string Target, int MinorVersion, bool KeepAlive, bool HasBody)
{
    /// <summary>Parses a request head; null when it is malformed (answered with 400).</summary>
    /// <param name="head">The bytes before the blank line.</param>
    /// <param name="majorVersion">The request's HTTP major version when the request line parsed (a 2 gets 505), else 0.</param>
    public static HttpRequestHead? Parse(ReadOnlySpan<byte> head, out int majorVersion)
    {
        majorVersion = 0;
        // Latin-1 maps each byte to one char, so nothing is lost and byte checks stay char checks.
        string[] lines = Encoding.Latin1.GetString(head).Split("\r\n");
        string[] requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !IsToken(requestLine[0]) || !IsTarget(requestLine[1]) || !TryVersion(requestLine[2], out majorVersion, out int minor))
        {
            return null;
        }

        bool? connectionClose = null;
        bool hasBody = false;
        for (int i = 1; i < lines.Length; i++)
        {
            int colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !IsToken(lines[i][..colon]))
            {
                return null; // Also rejects obsolete line folding (a line starting with a space), as RFC 9112 allows.
            }

            string name = lines[i][..colon];
            string value = lines[i][(colon + 1)..].Trim(' ', '\t');
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                foreach (string option in value.Split(','))
                {
                    string token = option.Trim(' ', '\t');
                    connectionClose = token.Equals("close", StringComparison.OrdinalIgnoreCase) ? true
                        : token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) ? connectionClose ?? false
                        : connectionClose;
                }
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && value != "0"))
            {
                hasBody = true;
            }
        }

        bool keepAlive = minor >= 1 ? connectionClose != true : connectionClose == false;
        return new HttpRequestHead(requestLine[0], requestLine[1], minor, keepAlive, hasBody);
    }

    // RFC 9110 token characters: what a method or a header name may be made of.
    private static bool IsToken(string text) => text.Length > 0 && text.AsSpan().IndexOfAnyExcept(TokenChars) < 0;

    private static bool IsTarget(string text) => text.Length > 0 && !text.AsSpan().ContainsAnyInRange('\0', ' ') && !text.Contains('\x7f', StringComparison.Ordinal);

    private static bool TryVersion(string text, out int major, out int minor)
    {
        // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive.
        (major, minor) = (0, 0);
        if (text.Length != 8 || !text.StartsWith("HTTP/", StringComparison.Ordinal) || !char.IsAsciiDigit(text[5]) || text[6] != '.' || !char.IsAsciiDigit(text[7]))
        {
            return false;
        }

        (major, minor) = (text[5] - '0', text[7] - '0');
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> TokenChars =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}
