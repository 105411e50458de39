using System;

namespace Selectors.Examples.Crawl;

/// <summary>
/// What one fetch may cost, so a slow, broken or hostile server costs the crawl one URL and never a hang or unbounded
/// memory: the time (<c>--timeout</c>) and the response's size (<c>--max-response-bytes</c>).
/// </summary>
/// <param name="Timeout">The whole fetch's time, from connect to the last byte: a total, not a per-read, limit, so a
/// server that dribbles a byte at a time cannot stretch it.</param>
/// <param name="MaxResponseBytes">The most bytes a response may have, status line and headers included; a larger
/// Content-Length fails at once, before its body is read.</param>
internal sealed record FetchLimits(TimeSpan Timeout, int MaxResponseBytes)
{
    /// <summary>The default of <c>--max-response-bytes</c>: 16 MiB, far above any page worth crawling.</summary>
    public const int DefaultMaxResponseBytes = 16 * 1024 * 1024;
}
