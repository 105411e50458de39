using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support.Tls;

namespace Selectors.Tests.Examples;

/// <summary>
/// End to end: <c>Selectors.Examples crawl --async</c> over https, against the python3 TLS site and openssl-made
/// certificates of <see cref="CrawlTlsExampleTests"/>: every page once with the test's CA given by <c>--ca-file</c>, and
/// each TLS failure an error of that URL (<c>error URL: TLS: ...</c>), counted in the summary, the crawl going on.
/// </summary>
[TestFixture]
[NonParallelizable]
[Platform(Exclude = "Win", Reason = "python3 and openssl peers, and the crawl example's process, are run on Unix")]
public sealed class CrawlAsyncTlsExampleTests
{
    private static readonly Regex SummaryLine = new(
        @"^summary: (?<pages>\d+) pages, (?<bytes>\d+) bytes, (?<errors>\d+) errors, (?<redirects>\d+) redirects, ");

    private TestCertificates _certificates = null!;

    [OneTimeSetUp]
    public async Task MakeCertificates() => _certificates = await TestCertificates.CreateAsync();

    [OneTimeTearDown]
    public void DeleteCertificates() => _certificates.Dispose();

    [TestCase("default")]
    [TestCase("select")]
    public async Task Crawl_async_with_the_CA_file_fetches_every_page_of_a_TLS_site_once(string backend)
    {
        using var site = new TlsSite(_certificates.Localhost, pages: 120);
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(
            "crawl", "--async", "--verbose", "--concurrency", "4", "--backend", backend, "--ca-file", _certificates.CaCertificatePath, $"{site.Origin}/");
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            var fetched = crawl.ErrorLines.Where(l => l.StartsWith("200 ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
            fetched.Should().OnlyHaveUniqueItems("each URL is fetched once");
            fetched.Order(StringComparer.Ordinal).Should().Equal(site.Tree.PagePaths.Select(p => site.Origin + p).Order(StringComparer.Ordinal), crawl.Transcript);
            Summary(crawl).Should().Be((120, 0, 0), "every page, and no error");
        }
    }

    [Test]
    public async Task Crawl_async_follows_a_link_from_http_to_https_on_the_same_host_name()
    {
        using var site = new TlsSite(_certificates.Localhost, httpRedirect: true, pages: 20);
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(
            "crawl", "--async", "--verbose", "--ca-file", _certificates.CaCertificatePath, $"http://localhost:{site.Server.HttpPort}/");
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            crawl.ErrorLines.Should().Contain(l => l.StartsWith($"200 {site.Origin}/ ", StringComparison.Ordinal), crawl.Transcript);
            Summary(crawl).Should().Be((21, 0, 0), "the http page, then every https page");
        }
    }

    [TestCase("OtherName")]
    [TestCase("Expired")]
    [TestCase("SelfSigned")]
    [TestCase("LocalhostWithoutCaFile")]
    [TestCase("ClosingMidHandshake")]
    public async Task Crawl_async_counts_a_TLS_failure_as_an_error_of_that_URL_and_finishes(string server)
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
            ["crawl", "--async", "--verbose", "--timeout", "10", .. caFile, failingUrl, .. server == "LocalhostWithoutCaFile" ? Array.Empty<string>() : [$"{reachable.Origin}/"]]);
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            // "TLS: REASON", or "TLS handshake: connection reset by the server" when the peer hangs up mid-handshake.
            crawl.ErrorLines.Single(l => l.StartsWith($"error {failingUrl}: ", StringComparison.Ordinal)).Should().StartWith($"error {failingUrl}: TLS", crawl.Transcript);
            int pages = server == "LocalhostWithoutCaFile" ? 0 : 3;
            Summary(crawl).Should().Be((pages, 1, 0), "the failing site is one error, and the crawl went on with the others");
        }
    }

    private static (int Pages, int Errors, int Redirects) Summary(CrawlProcess crawl)
    {
        Match match = SummaryLine.Match(crawl.Summary);
        match.Success.Should().BeTrue($"'{crawl.Summary}' should be a summary line");
        return (int.Parse(match.Groups["pages"].Value), int.Parse(match.Groups["errors"].Value), int.Parse(match.Groups["redirects"].Value));
    }
}
