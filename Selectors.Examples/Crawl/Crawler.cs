using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Security;

namespace Selectors.Examples.Crawl;

/// <summary>
/// The crawl: keeps up to <c>concurrency</c> <see cref="Fetcher"/>s running on one <see cref="SelectorLoop"/>, feeds
/// each page's same-host links back into the <see cref="UrlFrontier"/>, follows redirects within the host, and counts
/// every outcome in <see cref="Stats"/>. Python's crawler ends when its queue is empty and nothing is in flight; so
/// does this one, or when a stop is requested.
/// </summary>
internal sealed class Crawler
{
    private readonly SelectorLoop _loop;
    private readonly UrlFrontier _frontier;
    private readonly HostResolver _resolver = new();
    private readonly HashSet<Fetcher> _active = [];
    private readonly int _concurrency;
    private readonly FetchLimits _limits;
    private readonly bool _verbose;
    private readonly ProgressLine _progress;
    private readonly string? _caFile;
    private readonly Dictionary<string, SslClientAuthenticationOptions> _tlsOptions = new(StringComparer.OrdinalIgnoreCase);
    private bool _stopping;
    private StopSignal? _stop;

    /// <summary>
    /// A crawl of <paramref name="frontier"/>'s URLs on <paramref name="loop"/>; https:// servers are trusted as .NET
    /// trusts them, and also when their chain ends in a CA of <paramref name="caFile"/> (<c>--ca-file</c>) if given.
    /// </summary>
    public Crawler(SelectorLoop loop, UrlFrontier frontier, int concurrency, FetchLimits limits, string? caFile, bool verbose, ProgressLine progress)
    {
        _caFile = caFile;
        _loop = loop;
        _frontier = frontier;
        _concurrency = concurrency;
        _limits = limits;
        _verbose = verbose;
        _progress = progress;
    }

    /// <summary>The counts so far.</summary>
    public CrawlStats Stats { get; } = new();

    /// <summary>Crawls until there is nothing left to fetch or <paramref name="stop"/> is requested; every socket is closed on return.</summary>
    public void Run(StopSignal stop)
    {
        _stop = stop;
        _loop.Selector.Register(stop.WakeUp, SelectorEvents.Read, (Action<SelectorKey, SelectorEvents>)((_, _) => stop.Drain()));
        if (_progress.Enabled)
        {
            ShowProgress();
        }

        try
        {
            while (!stop.IsRequested)
            {
                StartMore();
                if (_active.Count == 0)
                {
                    break; // Nothing in flight and nothing queued: every reachable URL has been fetched.
                }

                // Never blocks for long: every fetch in flight has a deadline on the loop's timers.
                _loop.RunOnce();
            }
        }
        finally
        {
            _stopping = true;
            foreach (Fetcher fetcher in _active.ToList())
            {
                fetcher.Abort("crawl stopped");
            }

            // An https fetch cut short closes its socket once its pending wait is cancelled, which the next turn does.
            _loop.RunOnce(TimeSpan.Zero);
            _loop.Selector.Unregister(stop.WakeUp); // It belongs to the StopSignal.
            _progress.Erase();
        }
    }

    private void StartMore()
    {
        // Bounded: each pass takes one URL off the frontier, and nothing here adds any.
        while (_active.Count < _concurrency && _frontier.TryTake(out Uri url))
        {
            (IPAddress? address, string? error) = _resolver.Resolve(url);
            if (address is null)
            {
                Stats.Errors++;
                _progress.Log($"error {url}: {error}");
                continue;
            }

            var fetcher = new Fetcher(_loop, url, address, _limits, TlsOptionsFor(url), OnDone);
            _active.Add(fetcher);
            fetcher.Start(); // May end at once (OnDone runs before it returns) if the connect fails synchronously.
        }
    }

    /// <summary>The TLS client options for an https:// URL's host (made once per host: the CA file is read once), or null for http://.</summary>
    private SslClientAuthenticationOptions? TlsOptionsFor(Uri url)
    {
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }

        if (!_tlsOptions.TryGetValue(url.IdnHost, out SslClientAuthenticationOptions? options))
        {
            options = TrustedCertificates.ClientOptions(url.IdnHost, _caFile);
            _tlsOptions[url.IdnHost] = options;
        }

        return options;
    }

    private void OnDone(Fetcher fetcher)
    {
        _active.Remove(fetcher);
        if (_stopping || _stop?.IsRequested == true)
        {
            // Cut short by a stop: neither a result nor an error. That includes a fetch that fails before the loop
            // sees the stop, because the built-in site (which stops on the same signal) has already closed it.
            return;
        }

        Stats.Bytes += fetcher.BytesReceived;
        HttpResponseParser response = fetcher.Response;
        if (fetcher.Error is { } error)
        {
            Stats.Errors++;
            _progress.Log($"error {fetcher.Url}: {error}");
        }
        else if (response.StatusCode is >= 200 and < 300)
        {
            OnPage(fetcher.Url, response);
        }
        else if (response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.TryGetValue("Location", out string? location))
        {
            OnRedirect(fetcher.Url, response.StatusCode, location);
        }
        else
        {
            Stats.Errors++;
            _progress.Log($"error {fetcher.Url}: HTTP {response.StatusCode} {response.Reason}".TrimEnd());
        }
    }

    private void OnPage(Uri url, HttpResponseParser response)
    {
        Stats.Pages++;
        int found = 0;
        if (LinkExtractor.IsHtml(response.Headers.GetValueOrDefault("Content-Type")))
        {
            foreach (string href in LinkExtractor.Hrefs(response.Body))
            {
                found += UrlFrontier.Resolve(url, href) is { } link && _frontier.Add(link) ? 1 : 0;
            }
        }

        if (_verbose)
        {
            _progress.Log($"{response.StatusCode} {url} {response.Body.Length} bytes, {found} new links");
        }
    }

    private void OnRedirect(Uri url, int status, string location)
    {
        Stats.Redirects++;
        Uri? target = UrlFrontier.Resolve(url, location);
        // Another host, or a URL already fetched or queued, is not fetched (again): that also ends redirect loops.
        bool followed = target is not null && _frontier.Add(target);
        if (_verbose)
        {
            _progress.Log($"{status} {url} -> {target?.ToString() ?? location}{(followed ? string.Empty : " (not followed)")}");
        }
    }

    private void ShowProgress()
    {
        _progress.Show($"{Stats.Pages} pages, {_active.Count} in flight, {_frontier.Pending} queued, {Stats.Errors} errors, {Stats.PagesPerSecond:F0} pages/s");
        if (!_stopping)
        {
            _loop.CallLater(ProgressLine.Interval, ShowProgress);
        }
    }
}
