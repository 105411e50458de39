using System.Diagnostics;
using System.Globalization;

namespace Selectors.Examples.Crawl;

/// <summary>The crawl's counters, and the one <c>summary:</c> line scripts and tests read at the end.</summary>
internal sealed class CrawlStats
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Successful (2xx) responses.</summary>
    public int Pages { get; set; }

    /// <summary>Redirects followed or skipped.</summary>
    public int Redirects { get; set; }

    /// <summary>URLs that failed: no connection, timeout, malformed response, or a status that is neither 2xx nor a redirect.</summary>
    public int Errors { get; set; }

    /// <summary>Bytes received from servers, headers included.</summary>
    public long Bytes { get; set; }

    /// <summary>Pages per second since the crawl began.</summary>
    public double PagesPerSecond => Pages / System.Math.Max(_clock.Elapsed.TotalSeconds, 1e-6);

    /// <summary>The final line: <c>summary: 1000 pages, 4321987 bytes, 0 errors, 0 redirects, 1.23 s, 813.0 pages/s</c>.</summary>
    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"summary: {Pages} pages, {Bytes} bytes, {Errors} errors, {Redirects} redirects, {_clock.Elapsed.TotalSeconds:F2} s, {PagesPerSecond:F1} pages/s");
}
