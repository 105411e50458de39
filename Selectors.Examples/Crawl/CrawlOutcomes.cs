using System;
using System.Collections.Generic;
using System.Net.Security;

namespace Selectors.Examples.Crawl;

/// <summary>
/// What both crawlers (<see cref="Crawler"/> on callbacks, <see cref="AsyncCrawler"/> as coroutines) do with a fetch's
/// outcome, kept once so that the two modes count and log alike: a page's links and a redirect's target go to
/// <c>admit</c> (the frontier, or the coroutine crawler's queue), errors and pages into <see cref="Stats"/>. It also
/// makes each https host's TLS client options once, so the CA file is read once per host, not per fetch.
/// </summary>
internal sealed class CrawlOutcomes(Func<Uri, bool> admit, string? caFile, bool verbose, ProgressLine progress)
{
    private readonly Dictionary<string, SslClientAuthenticationOptions> _tlsOptions = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The counts so far.</summary>
    public CrawlStats Stats { get; } = new();

    /// <summary>The TLS client options for an https:// URL's host, or null for http://.</summary>
    public SslClientAuthenticationOptions? TlsOptionsFor(Uri url)
    {
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }

        if (!_tlsOptions.TryGetValue(url.IdnHost, out SslClientAuthenticationOptions? options))
        {
            options = TrustedCertificates.ClientOptions(url.IdnHost, caFile);
            _tlsOptions[url.IdnHost] = options;
        }

        return options;
    }

    /// <summary>Counts and logs an error of <paramref name="url"/>.</summary>
    public void Error(Uri url, string reason)
    {
        Stats.Errors++;
        progress.Log($"error {url}: {reason}");
    }

    /// <summary>Counts a finished fetch of <paramref name="url"/>: its error, or its page (and links), redirect or HTTP error.</summary>
    public void Fetched(Uri url, long bytesReceived, HttpResponseParser response, string? error)
    {
        Stats.Bytes += bytesReceived;
        if (error is not null)
        {
            Error(url, error);
        }
        else if (response.StatusCode is >= 200 and < 300)
        {
            OnPage(url, response);
        }
        else if (response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.TryGetValue("Location", out string? location))
        {
            OnRedirect(url, response.StatusCode, location);
        }
        else
        {
            Error(url, $"HTTP {response.StatusCode} {response.Reason}".TrimEnd());
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
                found += UrlFrontier.Resolve(url, href) is { } link && admit(link) ? 1 : 0;
            }
        }

        if (verbose)
        {
            progress.Log($"{response.StatusCode} {url} {response.Body.Length} bytes, {found} new links");
        }
    }

    private void OnRedirect(Uri url, int status, string location)
    {
        Stats.Redirects++;
        Uri? target = UrlFrontier.Resolve(url, location);
        // Another host, or a URL already fetched or queued, is not fetched (again): that also ends redirect loops.
        bool followed = target is not null && admit(target);
        if (verbose)
        {
            progress.Log($"{status} {url} -> {target?.ToString() ?? location}{(followed ? string.Empty : " (not followed)")}");
        }
    }
}
