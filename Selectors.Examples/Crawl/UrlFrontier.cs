using System;
using System.Collections.Generic;

namespace Selectors.Examples.Crawl;

/// <summary>
/// The URLs still to fetch and every URL ever admitted: each URL is fetched once, only on the start URLs' hosts, and
/// at most <c>limit</c> in all. URLs are compared without their fragment (<c>page.html#top</c> is <c>page.html</c>).
/// A start URL's host is its name and port; an https:// URL on a start URL's host name is admitted on any port too,
/// so that a site that moves from http to https (a link, a redirect) is followed.
/// </summary>
internal sealed class UrlFrontier
{
    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _hostNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<Uri> _queue = new();
    private readonly int _limit;

    /// <summary>Admits <paramref name="roots"/>, and later only URLs on their hosts (host and port), up to <paramref name="limit"/> URLs.</summary>
    public UrlFrontier(IEnumerable<Uri> roots, int limit)
    {
        _limit = limit;
        foreach (Uri root in roots)
        {
            _hosts.Add(HostOf(root));
            _hostNames.Add(root.Host);
        }

        foreach (Uri root in roots)
        {
            Add(root);
        }
    }

    /// <summary>URLs admitted but not yet taken.</summary>
    public int Pending => _queue.Count;

    /// <summary>Admits <paramref name="url"/> unless it is not http(s), on another host, already seen, or over the limit.</summary>
    /// <returns>Whether it was admitted.</returns>
    public bool Add(Uri url)
    {
        bool onStartHost = url.Scheme == Uri.UriSchemeHttp ? _hosts.Contains(HostOf(url))
            : url.Scheme == Uri.UriSchemeHttps && (_hosts.Contains(HostOf(url)) || _hostNames.Contains(url.Host));
        if (!onStartHost || _seen.Count >= _limit)
        {
            return false;
        }

        Uri bare = WithoutFragment(url);
        if (!_seen.Add(bare.AbsoluteUri))
        {
            return false;
        }

        _queue.Enqueue(bare);
        return true;
    }

    /// <summary>The next URL to fetch, in the order they were found (breadth first).</summary>
    public bool TryTake(out Uri url) => _queue.TryDequeue(out url!);

    /// <summary><paramref name="reference"/> (an href or a Location) resolved against <paramref name="page"/>, or null if it is no URL.</summary>
    public static Uri? Resolve(Uri page, string reference)
    {
        try
        {
            return Uri.TryCreate(page, reference.Trim(), out Uri? url) ? url : null;
        }
        catch (UriFormatException)
        {
            return null; // Defensive: whatever a page contains, a bad link is just not followed.
        }
    }

    private static Uri WithoutFragment(Uri url) =>
        url.Fragment.Length == 0 ? url : new Uri(url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped));

    private static string HostOf(Uri url) => $"{url.Host}:{url.Port}";
}
