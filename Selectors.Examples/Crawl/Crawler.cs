using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;

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
    private readonly ProgressLine _progress;
    private readonly CrawlOutcomes _outcomes;
    private bool _stopping;
    private StopSignal? _stop;

    /// <summary>
    /// A crawl of <paramref name="frontier"/>'s URLs on <paramref name="loop"/>; https:// servers are trusted as .NET
    /// trusts them, and also when their chain ends in a CA of <paramref name="caFile"/> (<c>--ca-file</c>) if given.
    /// </summary>
    public Crawler(SelectorLoop loop, UrlFrontier frontier, int concurrency, FetchLimits limits, string? caFile, bool verbose, ProgressLine progress)
    {
        _outcomes = new CrawlOutcomes(frontier.Add, caFile, verbose, progress);
        _loop = loop;
        _frontier = frontier;
        _concurrency = concurrency;
        _limits = limits;
        _progress = progress;
    }

    /// <summary>The counts so far.</summary>
    public CrawlStats Stats => _outcomes.Stats;

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
                _outcomes.Error(url, error!);
                continue;
            }

            var fetcher = new Fetcher(_loop, url, address, _limits, _outcomes.TlsOptionsFor(url), OnDone);
            _active.Add(fetcher);
            fetcher.Start(); // May end at once (OnDone runs before it returns) if the connect fails synchronously.
        }
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

        _outcomes.Fetched(fetcher.Url, fetcher.BytesReceived, fetcher.Response, fetcher.Error);
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
