using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Selectors.Tests.Examples;

/// <summary>
/// A directory of linked HTML pages for <c>python3 -m http.server</c> to serve: page 0 is <c>/</c> (index.html),
/// page <see cref="SubdirectoryPage"/> is <c>/sub/</c> (sub/index.html), pages below it are <c>/pN.html</c> and pages
/// above it <c>/sub/qN.html</c>. Page N links to 2N+1, 2N+2 (a tree: everything is reachable from <c>/</c>), N+1 and
/// the home page, in every form (absolute path, relative, full URL, with a fragment); links to the subdirectory are
/// written <c>sub</c> without its slash, so http.server answers 301 and the crawler must follow the redirect. Links
/// the crawler must not follow (another host, mailto:, a bare fragment) are on every page.
/// </summary>
internal sealed class GeneratedSiteTree : IDisposable
{
    /// <summary>The page served as a directory index, reached through a redirect.</summary>
    public const int SubdirectoryPage = 200;

    private readonly string _authority;
    private readonly string _scheme;

    /// <summary>
    /// Writes <paramref name="count"/> pages into <paramref name="root"/> (an existing, empty directory this tree then
    /// owns and deletes; by default a new temporary one); full-URL links name <paramref name="scheme"/>://<paramref name="authority"/>.
    /// A server that picks its own port (the TLS site) is started on the empty directory first, and the pages written
    /// once its port is known: http.server reads each file when it is asked for.
    /// </summary>
    public GeneratedSiteTree(int count, string authority, string scheme = "http", string? root = null)
    {
        Count = count;
        _authority = authority;
        _scheme = scheme;
        Root = root ?? Directory.CreateTempSubdirectory("crawl-site-").FullName;
        Directory.CreateDirectory(Path.Combine(Root, "sub"));
        for (int i = 0; i < count; i++)
        {
            string file = PathOf(i).TrimStart('/');
            file += file.Length == 0 || file.EndsWith('/') ? "index.html" : string.Empty; // A directory's page is its index.html.
            File.WriteAllText(Path.Combine(Root, file), Render(i), Encoding.UTF8);
        }
    }

    /// <summary>The directory to serve.</summary>
    public string Root { get; }

    /// <summary>The number of pages.</summary>
    public int Count { get; }

    /// <summary>The URL path of every page.</summary>
    public IEnumerable<string> PagePaths => Enumerable.Range(0, Count).Select(PathOf);

    /// <summary>The URL path of page <paramref name="index"/>.</summary>
    public static string PathOf(int index) => index switch
    {
        0 => "/",
        SubdirectoryPage => "/sub/",
        < SubdirectoryPage => $"/p{index}.html",
        _ => $"/sub/q{index}.html",
    };

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private string Render(int index)
    {
        var html = new StringBuilder($"<!DOCTYPE html>\n<html><head><title>page {index}</title></head><body>\n<h1 id=top>page {index}</h1>\n");
        int[] targets = [2 * index + 1, 2 * index + 2, index + 1, 0];
        for (int k = 0; k < targets.Length; k++)
        {
            if (targets[k] < Count)
            {
                html.Append($"<p><a href=\"{Href(index, targets[k], (index + k) % 4)}\">to page {targets[k]}</a></p>\n");
            }
        }

        html.Append("<p><a href='#top'>top</a> <A HREF=\"mailto:nobody@example.invalid\">mail</A> <a href=http://example.invalid/away.html>away</a></p>\n</body></html>\n");
        return html.ToString();
    }

    private string Href(int from, int to, int form)
    {
        // The link to the subdirectory page lacks its trailing slash on purpose: http.server redirects it.
        string path = to == SubdirectoryPage ? "/sub" : PathOf(to);
        return form switch
        {
            0 => path,
            1 => Relative(InSubdirectory(from), path),
            2 => $"{_scheme}://{_authority}{path}",
            _ => $"{path}#from-{from}",
        };
    }

    private static bool InSubdirectory(int index) => index >= SubdirectoryPage;

    private static string Relative(bool fromSubdirectory, string path) => (fromSubdirectory, path) switch
    {
        (false, "/") => "./",
        (false, _) => path[1..],
        (true, "/") => "../",
        (true, "/sub") => "./",
        (true, _) when path.StartsWith("/sub/", StringComparison.Ordinal) => path[5..],
        (true, _) => ".." + path,
    };
}
