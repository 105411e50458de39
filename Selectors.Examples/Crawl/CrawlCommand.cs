using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
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
            new Option("--timeout", "SECONDS", "per-request timeout (default 10)"),
            new Option("--backend", "NAME", $"selector: {string.Join(", ", SelectorFactory.Names)} (default: default)"),
            new Option("--verbose", null, "log each URL's outcome to stderr (errors are always logged)"),
            Option.Help,
        ],
        Run)
    {
        Operands = "[URL ...]",
    };

    private static int Run(Arguments args)
    {
        int concurrency = Integer(args, "--concurrency", 32, max: 1000); // select's FD_SETSIZE is 1024
        int maxPages = Integer(args, "--max-pages", 1000, max: int.MaxValue);
        double timeout = Seconds(args, "--timeout", 10);
        string backend = args.Choice("--backend", SelectorFactory.Names, "default");
        bool verbose = args.Flag("--verbose");
        List<Uri> urls = args.Operands.Select(StartUrl).ToList();

        // Disposed in reverse: the selector closes after the crawl closed its sockets, the site server after that.
        using var stop = new StopSignal();
        using SiteServer? site = urls.Count == 0 ? new SiteServer(backend, SitePageCount) : null;
        if (site is not null)
        {
            urls.Add(site.RootUrl);
            Console.Out.WriteLine($"serving a generated site of {SitePageCount} pages at {site.RootUrl}");
        }

        using BaseSelector selector = SelectorFactory.Create(backend);
        Console.Out.WriteLine($"crawling {string.Join(" ", urls)} (backend: {selector.Backend}, concurrency {concurrency})");
        Console.Out.Flush();

        var progress = new ProgressLine(Console.Out, Console.Error, enabled: !Console.IsOutputRedirected);
        var crawler = new Crawler(new EventLoop(selector), new UrlFrontier(urls, maxPages), concurrency, TimeSpan.FromSeconds(timeout), verbose, progress);
        crawler.Run(stop);

        if (stop.IsRequested)
        {
            Console.Error.WriteLine($"stopped ({stop.Reason})");
        }

        Console.Out.WriteLine(crawler.Stats.Summary());
        return 0;
    }

    private static Uri StartUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? url) || url.Scheme != Uri.UriSchemeHttp || url.Host.Length == 0)
        {
            throw new UsageException($"'{text}' is not an http:// URL (https is not supported)");
        }

        return url;
    }

    private static int Integer(Arguments args, string name, int fallback, int max)
    {
        string text = args.Text(name, fallback.ToString(CultureInfo.InvariantCulture));
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1 && value <= max
            ? value
            : throw new UsageException($"{name}: '{text}' is not a whole number from 1 to {max}");
    }

    private static double Seconds(Arguments args, string name, double fallback)
    {
        string text = args.Text(name, fallback.ToString(CultureInfo.InvariantCulture));
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) && value > 0 && value <= 86_400
            ? value
            : throw new UsageException($"{name}: '{text}' is not a number of seconds (more than 0, at most 86400)");
    }
}
