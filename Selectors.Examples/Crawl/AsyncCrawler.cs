using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace Selectors.Examples.Crawl;

/// <summary>
/// The crawl as coroutines (<c>crawl --async</c>), the crawler of 500 Lines' chapter "A Web Crawler With asyncio
/// Coroutines": a queue of URLs (the <see cref="UrlFrontier"/>), <c>concurrency</c> workers that each take a URL, fetch
/// it with awaits (<see cref="AsyncFetch"/>) and add its links, and a <c>queue.join()</c>: a count of URLs queued or in
/// progress, and a task that completes when it falls to zero. Everything runs in
/// <see cref="SelectorLoop.RunUntilComplete(Func{Task})"/>, on one thread. Same options, outcomes, log lines and
/// <see cref="Stats"/> as <see cref="Crawler"/>.
/// </summary>
internal sealed class AsyncCrawler
{
    private readonly SelectorLoop _loop;
    private readonly UrlFrontier _frontier;
    private readonly HostResolver _resolver = new();
    private readonly int _concurrency;
    private readonly FetchLimits _limits;
    private readonly ProgressLine _progress;
    private readonly CrawlOutcomes _outcomes;
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _added; // completed (and replaced) when a URL is queued: the idle workers' queue.get()
    private int _unfinished; // URLs queued or being fetched: asyncio.Queue's unfinished tasks
    private int _inFlight;
    private bool _closed;

    /// <summary>A crawl of <paramref name="frontier"/>'s URLs on <paramref name="loop"/>, trusting <paramref name="caFile"/>'s CAs too for https.</summary>
    public AsyncCrawler(SelectorLoop loop, UrlFrontier frontier, int concurrency, FetchLimits limits, bool verbose, ProgressLine progress, string? caFile)
    {
        _loop = loop;
        _frontier = frontier;
        _concurrency = concurrency;
        _limits = limits;
        _progress = progress;
        _outcomes = new CrawlOutcomes(Put, caFile, verbose, progress);
    }

    /// <summary>The counts so far.</summary>
    public CrawlStats Stats => _outcomes.Stats;

    /// <summary>Crawls until there is nothing left to fetch or <paramref name="stop"/> is requested; every socket is closed on return.</summary>
    public void Run(StopSignal stop) => _loop.RunUntilComplete(() => CrawlAsync(stop));

    private async Task CrawlAsync(StopSignal stop)
    {
        using var stopping = new CancellationTokenSource(); // every fetch takes its token
        using var unwatch = new CancellationTokenSource();
        _unfinished = _frontier.Pending;
        if (_unfinished == 0)
        {
            _joined.TrySetResult();
        }

        Task watcher = WatchAsync(stop, stopping, unwatch.Token);
        if (_progress.Enabled)
        {
            ShowProgress();
        }

        List<Task> workers = Enumerable.Range(0, _concurrency).Select(_ => WorkAsync(stop, stopping.Token)).ToList();
        try
        {
            await Task.WhenAny(_joined.Task, watcher); // queue.join(), or a stop
        }
        finally
        {
            // As the chapter cancels its workers: the idle ones wake and return, the busy ones (only on a stop) have
            // their fetch cancelled, which closes its socket.
            _closed = true;
            stopping.Cancel();
            WakeIdleWorkers();
            await Task.WhenAll(workers);
            unwatch.Cancel();
            try
            {
                await watcher;
            }
            catch (OperationCanceledException)
            {
                // The crawl ended first.
            }

            _progress.Erase();
        }
    }

    /// <summary>Waits for the stop signal's wake-up socket to turn readable, then cancels every fetch.</summary>
    private async Task WatchAsync(StopSignal stop, CancellationTokenSource stopping, CancellationToken cancellationToken)
    {
        while (!stop.IsRequested)
        {
            await _loop.WaitReadableAsync(stop.WakeUp, cancellationToken);
            stop.Drain();
        }

        stopping.Cancel();
    }

    /// <summary>One worker: <c>while True: url = await q.get(); await fetch(url); q.task_done()</c>.</summary>
    private async Task WorkAsync(StopSignal stop, CancellationToken stopToken)
    {
        while (true)
        {
            Uri url;
            while (!_frontier.TryTake(out url))
            {
                if (_closed || stopToken.IsCancellationRequested)
                {
                    return;
                }

                await (_added ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            if (_closed || stopToken.IsCancellationRequested)
            {
                return;
            }

            _inFlight++;
            try
            {
                await ProcessAsync(url, stop, stopToken);
            }
            finally
            {
                _inFlight--;
                TaskDone();
            }
        }
    }

    private async Task ProcessAsync(Uri url, StopSignal stop, CancellationToken stopToken)
    {
        (IPAddress? address, string? error) = _resolver.Resolve(url);
        if (address is null)
        {
            _outcomes.Error(url, error!);
            return;
        }

        FetchResult result;
        try
        {
            result = await AsyncFetch.RunAsync(_loop, url, address, _limits, _outcomes.TlsOptionsFor(url), stopToken);
        }
        catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
        {
            return; // Cut short by a stop: neither a result nor an error.
        }

        if (stop.IsRequested || stopToken.IsCancellationRequested)
        {
            // Ended as the stop arrived (the built-in site stops on the same signal and may close it first): no error.
            return;
        }

        _outcomes.Fetched(url, result.BytesReceived, result.Response, result.Error);
    }

    /// <summary><c>q.put_nowait(url)</c>: queues <paramref name="url"/> if the frontier admits it, and wakes the idle workers.</summary>
    private bool Put(Uri url)
    {
        if (!_frontier.Add(url))
        {
            return false;
        }

        _unfinished++;
        WakeIdleWorkers();
        return true;
    }

    /// <summary><c>q.task_done()</c>: the last one completes <c>q.join()</c>.</summary>
    private void TaskDone()
    {
        if (--_unfinished == 0)
        {
            _joined.TrySetResult();
        }
    }

    private void WakeIdleWorkers()
    {
        TaskCompletionSource? added = _added;
        _added = null;
        added?.TrySetResult();
    }

    private void ShowProgress()
    {
        _progress.Show($"{Stats.Pages} pages, {_inFlight} in flight, {_frontier.Pending} queued, {Stats.Errors} errors, {Stats.PagesPerSecond:F0} pages/s");
        if (!_closed)
        {
            _loop.CallLater(ProgressLine.Interval, ShowProgress);
        }
    }
}
