using System;
using System.Globalization;
using System.Text;

namespace Selectors.Examples.Crawl.Site;

/// <summary>
/// The built-in demo site: <c>count</c> generated HTML pages, page 0 at <c>/</c> and page N at <c>/page/N.html</c>.
/// Page N links to pages 2N+1 and 2N+2 (a binary tree, so every page is reachable from <c>/</c>), N+1, a pseudo-random
/// page and the home page, written in every form a crawler must resolve: absolute path, relative path, full URL and
/// with a fragment; plus links it must not follow (another host, mailto:, a bare fragment).
/// </summary>
internal sealed class SitePages(int count, string authority)
{
    /// <summary>The number of pages.</summary>
    public int Count { get; } = count;

    /// <summary>The path of page <paramref name="index"/>.</summary>
    public static string PathOf(int index) => index == 0 ? "/" : $"/page/{index}.html";

    /// <summary>Which page <paramref name="path"/> is, if any.</summary>
    public bool TryFind(string path, out int index)
    {
        index = 0;
        if (path == "/")
        {
            return true;
        }

        return path.StartsWith("/page/", StringComparison.Ordinal) && path.EndsWith(".html", StringComparison.Ordinal)
            && int.TryParse(path.AsSpan(6, path.Length - 11), NumberStyles.None, CultureInfo.InvariantCulture, out index)
            && index > 0 && index < Count && path == PathOf(index);
    }

    /// <summary>Whether page <paramref name="index"/> is sent chunked (a third of them) rather than with Content-Length.</summary>
    public static bool IsChunked(int index) => index % 3 == 1;

    /// <summary>The HTML of page <paramref name="index"/>.</summary>
    public byte[] Render(int index)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html><head><title>Page {index}</title></head>\n<body id=\"top\">\n<h1>Page {index}</h1>\n<ul>\n");
        int[] targets = [2 * index + 1, 2 * index + 2, index + 1, (index * 37 + 11) % Count, 0];
        for (int k = 0; k < targets.Length; k++)
        {
            if (targets[k] < Count)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"{Href(index, targets[k], k)}\">page {targets[k]}</a></li>\n");
            }
        }

        html.Append("<li><a href='#top'>top</a> <a href=\"mailto:webmaster@example.invalid\">mail</a> <a href=http://example.invalid/elsewhere.html>elsewhere</a></li>\n</ul>\n");
        // Filler, so pages have a realistic size (2-3 KB) and responses span several receives and chunks.
        for (int p = 0; p < 4 + index % 5; p++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Paragraph {p} of page {index}. The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs.</p>\n");
        }

        html.Append("</body></html>\n");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    /// <summary>A link from page <paramref name="from"/> to page <paramref name="to"/>, in one of four forms chosen by <paramref name="variant"/>.</summary>
    private string Href(int from, int to, int variant) => ((from + variant) % 4) switch
    {
        0 => PathOf(to),
        1 => Relative(from, to),
        2 => $"http://{authority}{PathOf(to)}",
        _ => $"{PathOf(to)}#section-{from}",
    };

    private static string Relative(int from, int to) => (from, to) switch
    {
        (0, 0) => "./",
        (0, _) => $"page/{to}.html",
        (_, 0) => "../",
        _ => $"{to}.html", // resolved against /page/
    };
}
