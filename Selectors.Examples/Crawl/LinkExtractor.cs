using System;
using System.Collections.Generic;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Selectors.Examples.Crawl;

/// <summary>
/// The links of an HTML page: every <c>href</c> attribute (quoted either way or bare), entity-decoded. A regular
/// expression, as the Python crawler uses, not an HTML parser: good enough for a crawler, and it never throws.
/// </summary>
internal static partial class LinkExtractor
{
    /// <summary>Whether a response with this Content-Type (or none) is worth scanning for links.</summary>
    public static bool IsHtml(string? contentType) =>
        contentType is null || contentType.Contains("html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The href values in <paramref name="body"/>, in document order, duplicates included.</summary>
    public static IEnumerable<string> Hrefs(ReadOnlySpan<byte> body)
    {
        // Latin-1 maps every byte to one char, so no page is rejected for its encoding; URLs are ASCII anyway.
        string text = Encoding.Latin1.GetString(body);
        var hrefs = new List<string>();
        foreach (Match match in HrefPattern().Matches(text))
        {
            string raw = match.Groups["d"].Success ? match.Groups["d"].Value : match.Groups["s"].Success ? match.Groups["s"].Value : match.Groups["b"].Value;
            hrefs.Add(WebUtility.HtmlDecode(raw));
        }

        return hrefs;
    }

    [GeneratedRegex("""\bhref\s*=\s*(?:"(?<d>[^"]*)"|'(?<s>[^']*)'|(?<b>[^\s"'>]+))""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HrefPattern();
}
