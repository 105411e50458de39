using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Selectors.Examples.Crawl.Site;

namespace Selectors.Examples.Crawl;

/// <summary>
/// The <c>crawl</c> subcommand: its options, and the wiring of a selector, a <see cref="StopSignal"/>, a
/// <see cref="Crawler"/> and, with no URL given, the built-in <see cref="SiteServer"/> to crawl.
/// </summary>
internal static class CrawlCommand
{
    /// <summary>How many pages the built-in site has.</summary>
    public const int SitePageCount = 1000;

    /// <summary>The command's entry in <see cref="Program"/>'s table.</summary>
    public static Command Command { get; } = new(
        "crawl",
        "A web crawler on a callback loop over a selector (the Fetcher of 500 Lines' crawler, grown up): follows same-host "
        + "links from each URL. With no URL, crawls a generated 1000-page site served in-process on 127.0.0.1. "
        + "Ctrl+C or SIGTERM stops it with a summary.",
        [
            new Option("--concurrency", "N", "fetches in flight at once (default 32)"),
            new Option("--max-pages", "N", "fetch at most N URLs (default 1000)"),
            new Option("--timeout", "SECONDS", "time limit of each request as a whole, connect to last byte, however slowly the bytes come (default 10)"),
            new Option("--max-response-bytes", "N", $"largest response, headers included, 1024-1073741824; a larger one (or a larger Content-Length) is an error for that URL (default {FetchLimits.DefaultMaxResponseBytes})"),
            new Option("--ca-file", "PATH", "PEM CA certificates to trust for https:// besides the system's (a test or intranet CA)"),
            new Option("--backend", "NAME", $"selector: {string.Join(", ", SelectorFactory.Names)} (default: default)"),
            new Option("--verbose", null, "log each URL's outcome to stderr (errors are always logged)"),
            new Option("--async", null, "crawl with coroutines on SelectorLoop.RunUntilComplete (500 Lines' asyncio crawler: a queue and --concurrency workers) instead of callbacks"),
            Option.Help,
        ],
        Run)
    {
        Operands = "[URL ...]",
    };

    private static int Run(Arguments args)
    {
        int concurrency = args.Integer("--concurrency", 32, 1, 1000);
        int maxPages = args.Integer("--max-pages", 1000, 1, int.MaxValue);
        TimeSpan timeout = args.Seconds("--timeout", 10, 86_400);
        if (timeout <= TimeSpan.Zero)
        {
            throw new UsageException("--timeout: a request needs some time; give more than 0 seconds");
        }

        int maxResponseBytes = args.Integer("--max-response-bytes", FetchLimits.DefaultMaxResponseBytes, 1024, 1024 * 1024 * 1024);
        string backend = args.Choice("--backend", SelectorFactory.Names, "default");
        bool verbose = args.Flag("--verbose");
        bool useAsync = args.Flag("--async");
        string? caFile = CaFile(args.OptionalText("--ca-file"));
        List<Uri> urls = args.Operands.Select(StartUrl).ToList();

        // Disposed in reverse: the selector closes after the crawl closed its sockets, the site server after that.
        using var stop = new StopSignal();
        using SiteServer? site = urls.Count == 0 ? new SiteServer(backend, SitePageCount, Console.Error) : null;
        if (site is not null)
        {
            urls.Add(site.RootUrl);
            Console.Out.WriteLine($"serving a generated site of {SitePageCount} pages at {site.RootUrl}");
        }

        using BaseSelector selector = SelectorFactory.Create(backend);
        Console.Out.WriteLine($"crawling {string.Join(" ", urls)} (backend: {selector.Backend}, concurrency {concurrency})");
        Console.Out.Flush();

        var progress = new ProgressLine(Console.Out, Console.Error, enabled: !Console.IsOutputRedirected);
        var limits = new FetchLimits(timeout, maxResponseBytes);
        CrawlStats stats;
        if (useAsync)
        {
            var crawler = new AsyncCrawler(new SelectorLoop(selector), new UrlFrontier(urls, maxPages), concurrency, limits, verbose, progress, caFile);
            crawler.Run(stop);
            stats = crawler.Stats;
        }
        else
        {
            var crawler = new Crawler(new SelectorLoop(selector), new UrlFrontier(urls, maxPages), concurrency, limits, caFile, verbose, progress);
            crawler.Run(stop);
            stats = crawler.Stats;
        }

        if (stop.IsRequested)
        {
            Console.Error.WriteLine($"stopped ({stop.Reason})");
        }

        Console.Out.WriteLine(stats.Summary());
        return 0;
    }

    private static Uri StartUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
        {
            throw new UsageException($"'{text}' is not an http:// or https:// URL");
        }

        return url;
    }

    /// <summary>The <c>--ca-file</c> path, checked now (a usage error, not an error of every https URL), or null.</summary>
    private static string? CaFile(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            TrustedCertificates.ClientOptions("localhost", path);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new UsageException($"--ca-file: {path}: {e.Message}");
        }
    }
}
