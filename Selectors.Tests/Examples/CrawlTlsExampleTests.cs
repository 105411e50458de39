using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support.Tls;

namespace Selectors.Tests.Examples;

/// <summary>
/// End to end: <c>Selectors.Examples crawl</c> over https, against python3's ssl module serving a generated site on
/// loopback with certificates made by openssl for the test: every page with the test's CA given by
/// <c>--ca-file</c>; and each TLS failure (a certificate for another name, an expired one, an untrusted CA, a server
/// that hangs up mid-handshake) an error of that URL (<c>error URL: TLS...</c>), counted in the summary, the crawl
/// still finishing. Tests with a <c>mode</c> run both crawlers: <c>callbacks</c> (<c>crawl</c>) and <c>async</c>
/// (<c>crawl --async</c>).
/// </summary>
[TestFixture]
[NonParallelizable]
[Platform(Exclude = "Win", Reason = "python3 and openssl peers, and the crawl example's process, are run on Unix")]
public sealed class CrawlTlsExampleTests
{
    private static readonly Regex SummaryLine = new(
        @"^summary: (?<pages>\d+) pages, (?<bytes>\d+) bytes, (?<errors>\d+) errors, (?<redirects>\d+) redirects, ");

    /// <summary>The backends each crawler's full https crawl runs on: the callback crawler on all three, <c>--async</c> on two.</summary>
    private static readonly string[][] ModesAndBackends =
        [["callbacks", "default"], ["callbacks", "poll"], ["callbacks", "select"], ["async", "default"], ["async", "select"]];

    private TestCertificates _certificates = null!;

    [OneTimeSetUp]
    public async Task MakeCertificates() => _certificates = await TestCertificates.CreateAsync();

    [OneTimeTearDown]
    public void DeleteCertificates() => _certificates.Dispose();

    [TestCaseSource(nameof(ModesAndBackends))]
    public async Task Crawl_with_the_CA_file_fetches_every_page_of_a_TLS_site_once(string mode, string backend)
    {
        using var site = new TlsSite(_certificates.Localhost, pages: 120);
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(
            Crawl(mode, "--verbose", "--concurrency", "4", "--backend", backend, "--ca-file", _certificates.CaCertificatePath, $"{site.Origin}/"));
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            var fetched = crawl.ErrorLines.Where(l => l.StartsWith("200 ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
            fetched.Should().OnlyHaveUniqueItems("each URL is fetched once");
            fetched.Order(StringComparer.Ordinal).Should().Equal(site.Tree.PagePaths.Select(p => site.Origin + p).Order(StringComparer.Ordinal), crawl.Transcript);
            Summary(crawl).Should().Be((120, 0, 0), "every page, and no error");
        }
    }

    [TestCase("callbacks")]
    [TestCase("async")]
    public async Task A_site_that_links_from_http_to_https_on_the_same_host_name_is_followed(string mode)
    {
        using var site = new TlsSite(_certificates.Localhost, httpRedirect: true, pages: 20);
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(
            Crawl(mode, "--verbose", "--ca-file", _certificates.CaCertificatePath, $"http://localhost:{site.Server.HttpPort}/"));
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            crawl.ErrorLines.Should().Contain(l => l.StartsWith($"200 {site.Origin}/ ", StringComparison.Ordinal), crawl.Transcript);
            Summary(crawl).Should().Be((21, 0, 0), "the http page, then every https page");
        }
    }

    [Test]
    public async Task A_TLS_failure_is_an_error_of_that_URL_and_the_crawl_finishes(
        [Values("callbacks", "async")] string mode,
        [Values("OtherName", "Expired", "SelfSigned", "LocalhostWithoutCaFile", "ClosingMidHandshake")] string server)
    {
        using var reachable = new TlsSite(_certificates.Localhost, pages: 3);
        using TlsSite? failing = server switch
        {
            "OtherName" => new TlsSite(_certificates.OtherName, pages: 1),
            "Expired" => new TlsSite(_certificates.Expired, pages: 1),
            "SelfSigned" or "LocalhostWithoutCaFile" => new TlsSite(server == "SelfSigned" ? _certificates.SelfSigned : _certificates.Localhost, pages: 1),
            _ => null,
        };
        using TlsSiteServer? hangingUp = server == "ClosingMidHandshake" ? TlsSiteServer.ClosingMidHandshake(_certificates.Localhost) : null;
        string failingUrl = failing is not null ? $"{failing.Origin}/" : $"https://localhost:{hangingUp!.HttpsPort}/";
        string[] caFile = server == "LocalhostWithoutCaFile" ? [] : ["--ca-file", _certificates.CaCertificatePath];

        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(
            Crawl(mode, ["--verbose", "--timeout", "10", .. caFile, failingUrl, .. server == "LocalhostWithoutCaFile" ? Array.Empty<string>() : [$"{reachable.Origin}/"]]));
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            // "TLS: REASON", or "TLS handshake: connection reset by the server" when the peer hangs up mid-handshake:
            // both crawlers word it alike (FetchWording).
            crawl.ErrorLines.Single(l => l.StartsWith($"error {failingUrl}: ", StringComparison.Ordinal)).Should().StartWith($"error {failingUrl}: TLS", crawl.Transcript);
            int pages = server == "LocalhostWithoutCaFile" ? 0 : 3;
            Summary(crawl).Should().Be((pages, 1, 0), "the failing site is one error, and the crawl went on with the others");
        }
    }

    // The callback crawler's only: crawl --async's missing CA file is among CrawlExampleTests' bad arguments.
    [Test]
    public async Task A_CA_file_that_is_missing_or_holds_no_certificate_is_a_usage_error()
    {
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync("crawl", "--ca-file", "/nonexistent/ca.pem", "https://localhost:1/");
        using (crawl)
        {
            exitCode.Should().Be(2, crawl.Transcript);
            crawl.ErrorLines.Should().Contain(l => l.Contains("--ca-file", StringComparison.Ordinal));
        }

        (crawl, exitCode) = await CrawlProcess.RunAsync("crawl", "--ca-file", _certificates.Localhost.KeyPath, "https://localhost:1/");
        using (crawl)
        {
            exitCode.Should().Be(2, crawl.Transcript);
        }
    }

    /// <summary>The <c>crawl</c> command line for <paramref name="mode"/> (<c>callbacks</c> or <c>async</c>), then <paramref name="arguments"/>.</summary>
    private static string[] Crawl(string mode, params string[] arguments) => mode switch
    {
        "callbacks" => ["crawl", .. arguments],
        "async" => ["crawl", "--async", .. arguments],
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "callbacks or async"),
    };

    private static (int Pages, int Errors, int Redirects) Summary(CrawlProcess crawl)
    {
        Match match = SummaryLine.Match(crawl.Summary);
        match.Success.Should().BeTrue($"'{crawl.Summary}' should be a summary line");
        return (int.Parse(match.Groups["pages"].Value), int.Parse(match.Groups["errors"].Value), int.Parse(match.Groups["redirects"].Value));
    }
}
