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
/// that hangs up mid-handshake) an error of that URL, counted in the summary, the crawl still finishing.
/// </summary>
[TestFixture]
[NonParallelizable]
[Platform(Exclude = "Win", Reason = "python3 and openssl peers, and the crawl example's process, are run on Unix")]
public sealed class CrawlTlsExampleTests
{
    private static readonly Regex SummaryLine = new(
        @"^summary: (?<pages>\d+) pages, (?<bytes>\d+) bytes, (?<errors>\d+) errors, (?<redirects>\d+) redirects, ");

    private TestCertificates _certificates = null!;

    [OneTimeSetUp]
    public async Task MakeCertificates() => _certificates = await TestCertificates.CreateAsync();

    [OneTimeTearDown]
    public void DeleteCertificates() => _certificates.Dispose();

    [TestCase("default")]
    [TestCase("poll")]
    [TestCase("select")]
    public async Task Crawl_with_the_CA_file_fetches_every_page_of_a_TLS_site_once(string backend)
    {
        using var site = new TlsSite(_certificates.Localhost, pages: 120);
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(
            "crawl", "--verbose", "--concurrency", "4", "--backend", backend, "--ca-file", _certificates.CaCertificatePath, $"{site.Origin}/");
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
    public async Task A_site_that_links_from_http_to_https_on_the_same_host_name_is_followed()
    {
        using var site = new TlsSite(_certificates.Localhost, httpRedirect: true, pages: 20);
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(
            "crawl", "--verbose", "--ca-file", _certificates.CaCertificatePath, $"http://localhost:{site.Server.HttpPort}/");
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            crawl.ErrorLines.Should().Contain(l => l.StartsWith($"200 {site.Origin}/ ", StringComparison.Ordinal), crawl.Transcript);
            Summary(crawl).Should().Be((21, 0, 0), "the http page, then every https page");
        }
    }

    [TestCase("OtherName", "")]
    [TestCase("Expired", "")]
    [TestCase("SelfSigned", "")]
    [TestCase("LocalhostWithoutCaFile", "")]
    [TestCase("ClosingMidHandshake", "")]
    public async Task A_TLS_failure_is_an_error_of_that_URL_and_the_crawl_finishes(string server, string detail)
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
            ["crawl", "--verbose", "--timeout", "10", .. caFile, failingUrl, .. server == "LocalhostWithoutCaFile" ? Array.Empty<string>() : [$"{reachable.Origin}/"]]);
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            string error = crawl.ErrorLines.Single(l => l.StartsWith($"error {failingUrl}: ", StringComparison.Ordinal));
            error.Should().Contain("TLS", crawl.Transcript);
            if (detail.Length > 0)
            {
                error.Should().Contain(detail);
            }

            int pages = server == "LocalhostWithoutCaFile" ? 0 : 3;
            Summary(crawl).Should().Be((pages, 1, 0), "the failing site is one error, and the crawl went on with the others");
        }
    }

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

    private static (int Pages, int Errors, int Redirects) Summary(CrawlProcess crawl)
    {
        Match match = SummaryLine.Match(crawl.Summary);
        match.Success.Should().BeTrue($"'{crawl.Summary}' should be a summary line");
        return (int.Parse(match.Groups["pages"].Value), int.Parse(match.Groups["errors"].Value), int.Parse(match.Groups["redirects"].Value));
    }
}
