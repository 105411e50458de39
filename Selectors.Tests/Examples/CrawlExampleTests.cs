using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;

namespace Selectors.Tests.Examples;

/// <summary>
/// End to end: <c>Selectors.Examples crawl</c> runs as a child process against real servers on loopback: Python's
/// http.server, the crawler's own built-in site, and in-test sockets that refuse, stay silent or answer garbage.
/// With <c>--verbose</c> the crawler writes one stderr line per URL (<c>200 URL ...</c>, <c>301 URL -> TARGET</c>,
/// <c>error URL: REASON</c>), which is how these tests check that every page is fetched exactly once. Tests with a
/// <c>mode</c> run both crawlers: <c>callbacks</c> (<c>crawl</c>) and <c>async</c> (<c>crawl --async</c>, the
/// coroutine crawler on <c>SelectorLoop.RunUntilComplete</c>); the <c>Crawl_async_...</c> tests compare the two.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CrawlExampleTests
{
    private static readonly Regex OutcomeLine = new(@"^(?<status>\d{3}|error) (?<url>http://\S+?)(?=:? )");
    private static readonly Regex SummaryLine = new(
        @"^summary: (?<pages>\d+) pages, (?<bytes>\d+) bytes, (?<errors>\d+) errors, (?<redirects>\d+) redirects, \d+\.\d\d s, \d+\.\d pages/s$");

    [SetUp]
    public void RequireUnix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("These tests use POSIX signals and python3.");
        }
    }

    [TestCase("default")]
    [TestCase("select")]
    public async Task Crawl_of_python_http_server_fetches_each_of_300_pages_exactly_once_and_follows_its_redirect(string backend)
    {
        int port = PythonHttpServer.FreePort();
        string origin = $"http://127.0.0.1:{port}";
        using var tree = new GeneratedSiteTree(300, $"127.0.0.1:{port}");
        using var server = new PythonHttpServer(tree.Root, port);

        // http.server listens with a backlog of 5 (socketserver's default): more concurrent connects overflow it, and
        // the dropped SYNs are retried only after a second.
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync("crawl", "--verbose", "--concurrency", "4", "--backend", backend, $"{origin}/");
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            var outcomes = Outcomes(crawl);
            outcomes.GroupBy(o => o.Url).Where(g => g.Count() > 1).Select(g => g.Key).Should().BeEmpty("each URL is fetched once");
            outcomes.Where(o => o.Status == "error").Should().BeEmpty(crawl.Transcript);
            // Sorted and compared with Equal: BeEquivalentTo is quadratic, and slow on hundreds of items.
            outcomes.Where(o => o.Status == "200").Select(o => o.Url).Order(StringComparer.Ordinal).Should().Equal(tree.PagePaths.Select(p => origin + p).Order(StringComparer.Ordinal));
            // Links to "sub" lack the slash: http.server redirects them to "/sub/", which the crawler then fetches.
            outcomes.Where(o => o.Status is not ("200" or "error")).Should().Equal(("301", $"{origin}/sub"));
            crawl.ErrorLines.Should().Contain($"301 {origin}/sub -> {origin}/sub/");
            Summary(crawl).Should().Be((300, 0, 1));
        }
    }

    [TestCase("default")]
    [TestCase("epoll")]
    [TestCase("poll")]
    [TestCase("select")]
    public async Task Crawl_with_no_url_crawls_the_built_in_site_of_1000_pages_with_no_error(string backend)
    {
        var watch = Stopwatch.StartNew();
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync("crawl", "--verbose", "--backend", backend);
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            crawl.OutputLines[0].Should().MatchRegex(@"^serving a generated site of 1000 pages at http://127\.0\.0\.1:\d+/$");
            string origin = crawl.OutputLines[0].Split(" at ")[1].TrimEnd('/');
            var outcomes = Outcomes(crawl);
            outcomes.Should().HaveCount(1000).And.OnlyContain(o => o.Status == "200", crawl.Transcript);
            outcomes.Select(o => o.Url).Order(StringComparer.Ordinal).Should()
                .Equal(Enumerable.Range(0, 1000).Select(i => i == 0 ? $"{origin}/" : $"{origin}/page/{i}.html").Order(StringComparer.Ordinal));
            // A third of the pages come chunked, the rest with Content-Length; all of them parse.
            Summary(crawl).Should().Be((1000, 0, 0));
            crawl.OutputLines.Should().NotContain(l => l.Contains('\u001b'), "the progress line is drawn only on a terminal");
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
        }
    }

    [TestCase("default")]
    [TestCase("select")]
    public async Task Crawl_async_of_the_built_in_site_fetches_the_same_1000_pages_as_the_callback_crawl(string backend)
    {
        (int Pages, int Errors, int Redirects, long Bytes) callback = await BuiltInSiteAsync("callbacks", backend);
        (int Pages, int Errors, int Redirects, long Bytes) coroutines = await BuiltInSiteAsync("async", backend);
        callback.Should().Be((1000, 0, 0, callback.Bytes));
        coroutines.Should().Be(callback, "both crawl the same generated site");
    }

    private static async Task<(int Pages, int Errors, int Redirects, long Bytes)> BuiltInSiteAsync(string mode, string backend)
    {
        var watch = Stopwatch.StartNew();
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(Crawl(mode, "--verbose", "--backend", backend));
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            string origin = crawl.OutputLines[0].Split(" at ")[1].TrimEnd('/');
            var outcomes = Outcomes(crawl);
            outcomes.Should().HaveCount(1000).And.OnlyContain(o => o.Status == "200", crawl.Transcript);
            outcomes.Select(o => o.Url).Order(StringComparer.Ordinal).Should()
                .Equal(Enumerable.Range(0, 1000).Select(i => i == 0 ? $"{origin}/" : $"{origin}/page/{i}.html").Order(StringComparer.Ordinal));
            crawl.OutputLines.Should().NotContain(l => l.Contains('\u001b'), "the progress line is drawn only on a terminal");
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
            return SummaryWithBytes(crawl);
        }
    }

    [Test]
    public async Task Crawl_async_of_python_http_server_has_the_same_counts_as_the_callback_crawl()
    {
        int port = PythonHttpServer.FreePort();
        string origin = $"http://127.0.0.1:{port}";
        using var tree = new GeneratedSiteTree(300, $"127.0.0.1:{port}");
        using var server = new PythonHttpServer(tree.Root, port);

        var results = new List<(int Pages, int Errors, int Redirects, long Bytes)>();
        foreach (string mode in new[] { "callbacks", "async" })
        {
            // http.server listens with a backlog of 5: more concurrent connects overflow it.
            (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(Crawl(mode, "--verbose", "--concurrency", "4", $"{origin}/"));
            using (crawl)
            {
                exitCode.Should().Be(0, crawl.Transcript);
                var outcomes = Outcomes(crawl);
                outcomes.GroupBy(o => o.Url).Where(g => g.Count() > 1).Select(g => g.Key).Should().BeEmpty("each URL is fetched once");
                outcomes.Where(o => o.Status == "200").Select(o => o.Url).Order(StringComparer.Ordinal).Should()
                    .Equal(tree.PagePaths.Select(p => origin + p).Order(StringComparer.Ordinal));
                crawl.ErrorLines.Should().Contain($"301 {origin}/sub -> {origin}/sub/");
                results.Add(SummaryWithBytes(crawl));
            }
        }

        results[0].Should().Be((300, 0, 1, results[0].Bytes));
        results[1].Should().Be(results[0], "the coroutine crawl fetches what the callback crawl fetches");
    }

    [TestCase("callbacks", "default")]
    [TestCase("callbacks", "poll")]
    [TestCase("callbacks", "select")]
    [TestCase("async", "default")]
    public async Task Crawl_reports_a_refused_connection_and_a_silent_server_per_url_and_still_finishes(string mode, string backend)
    {
        using var refusing = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        refusing.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // Bound but not listening: connects are refused, and no one else gets the port.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(8); // Connections complete in the backlog, and nothing ever answers them.
        string refusedUrl = $"http://127.0.0.1:{Port(refusing)}/";
        string silentUrl = $"http://127.0.0.1:{Port(silent)}/never";

        var watch = Stopwatch.StartNew();
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(Crawl(mode, "--timeout", "1", "--backend", backend, refusedUrl, silentUrl));
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            crawl.ErrorLines.Should().Contain($"error {refusedUrl}: connection refused").And.Contain($"error {silentUrl}: timed out after 1 s");
            SummaryWithBytes(crawl).Should().Be((0, 2, 0, 0));
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "the 1 s timeout ends the silent fetch");
        }
    }

    [Test]
    public async Task Crawl_times_out_a_silent_url_on_time_while_hundreds_of_other_fetches_come_and_go()
    {
        // The silent fetch's deadline stays at the top of the timer heap while 300 later deadlines are set and
        // removed beneath it; it must still fire on time, and the 300 fetches must not time out.
        var responses = Enumerable.Range(0, 300).ToDictionary(
            i => $"/{i}",
            i => Page(string.Concat(new[] { 2 * i + 1, 2 * i + 2 }.Where(j => j < 300).Select(j => $"<a href=\"{j}\">{j}</a>"))));
        using var server = new ScriptedHttpServer(responses);
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(8);
        string silentUrl = $"http://127.0.0.1:{Port(silent)}/";

        var watch = Stopwatch.StartNew();
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync("crawl", "--timeout", "3", "--concurrency", "8", silentUrl, $"http://127.0.0.1:{server.Port}/0");
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            crawl.ErrorLines.Should().Equal($"error {silentUrl}: timed out after 3 s");
            Summary(crawl).Should().Be((300, 1, 0));
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
        }
    }

    [Test]
    public async Task Crawl_turns_each_malformed_response_into_a_per_url_error_and_reads_every_body_kind()
    {
        var responses = new Dictionary<string, byte[]>
        {
            ["/"] = Page("""
                <a href="/garbage">1</a> <a href="/bad-length">2</a> <a href="/bad-chunk">3</a> <a href="/cut-short">4</a>
                <a href="/nothing">5</a> <a href="/not-a-header">6</a> <a href="/binary">7</a> <a href="/missing">8</a>
                <a href="/server-error">9</a> <a href="/chunked">10</a> <a href="/interim">11</a>
                """),
            ["/garbage"] = ScriptedHttpServer.Bytes("SSH-2.0-OpenSSH_9.6\r\n\r\n"),
            ["/bad-length"] = ScriptedHttpServer.Bytes("HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\nbody"),
            ["/bad-chunk"] = ScriptedHttpServer.Bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbody\r\n0\r\n\r\n"),
            ["/cut-short"] = ScriptedHttpServer.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this much"),
            ["/nothing"] = [],
            ["/not-a-header"] = ScriptedHttpServer.Bytes("HTTP/1.1 200 OK\r\nthis is no header\r\n\r\n"),
            ["/binary"] = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray(),
            ["/server-error"] = ScriptedHttpServer.Bytes("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"),
            // Well-formed, one of each kind: chunked, read until close, a redirect, an interim 100 before the answer.
            ["/chunked"] = ScriptedHttpServer.Bytes("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "b\r\n<a href=/un\r\n13;ext=1\r\ntil-close>next</a>\n\r\n0\r\nX-Trailer: yes\r\n\r\n"),
            ["/until-close"] = ScriptedHttpServer.Bytes("HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<a href='moved'>moved</a>"),
            ["/moved"] = ScriptedHttpServer.Bytes("HTTP/1.1 302 Found\r\nLocation: /target?x=1#frag\r\nContent-Length: 0\r\n\r\n"),
            ["/target?x=1"] = Page("<a href=\"/\">home</a>"),
            ["/interim"] = ScriptedHttpServer.Bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
        };
        using var server = new ScriptedHttpServer(responses);
        string origin = $"http://127.0.0.1:{server.Port}";

        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync("crawl", "--verbose", "--timeout", "5", $"{origin}/");
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            crawl.ErrorLines.Should().NotContain(l => l.Contains("Unhandled", StringComparison.Ordinal) || l.StartsWith("   at ", StringComparison.Ordinal));
            var outcomes = Outcomes(crawl).ToDictionary(o => o.Url[origin.Length..], o => o.Status);
            outcomes.Where(o => o.Value == "error").Select(o => o.Key).Should().BeEquivalentTo(
                "/garbage", "/bad-length", "/bad-chunk", "/cut-short", "/nothing", "/not-a-header", "/binary", "/missing", "/server-error");
            outcomes.Where(o => o.Value == "200").Select(o => o.Key).Should().BeEquivalentTo("/", "/chunked", "/until-close", "/target?x=1", "/interim");
            outcomes["/moved"].Should().Be("302");
            Reason(crawl, $"{origin}/garbage").Should().StartWith("malformed response: not an HTTP/1.x status line");
            Reason(crawl, $"{origin}/bad-length").Should().Be("malformed response: bad Content-Length: 'lots'");
            Reason(crawl, $"{origin}/bad-chunk").Should().Be("malformed response: bad chunk size: 'zz'");
            Reason(crawl, $"{origin}/cut-short").Should().Be("malformed response: connection closed in the middle of the response (body)");
            Reason(crawl, $"{origin}/nothing").Should().Be("malformed response: connection closed without a response");
            Reason(crawl, $"{origin}/not-a-header").Should().StartWith("malformed response: not a header line");
            Reason(crawl, $"{origin}/missing").Should().Be("HTTP 404 Not Found");
            Reason(crawl, $"{origin}/server-error").Should().Be("HTTP 500 Internal Server Error");
            Summary(crawl).Should().Be((5, 9, 1));
        }
    }

    [Test]
    public async Task Crawl_cuts_off_endless_huge_and_dribbled_responses_as_per_url_errors_and_finishes()
    {
        const int maxResponse = 1024 * 1024;
        byte[] binary = Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i % 251 == 10 ? 11 : i % 251)).ToArray(); // no '\n'
        var streams = new Dictionary<string, Func<IEnumerable<byte[]>>>
        {
            // Each is finite (the test's own bound) but far beyond every limit of the crawler.
            ["/endless-headers"] = () => Endless("HTTP/1.1 200 OK\r\n", "X-Filler: " + new string('a', 100) + "\r\n", 1_000_000),
            ["/endless-header-line"] = () => Endless("HTTP/1.1 200 OK\r\nX-Long: ", new string('a', 64 * 1024), 1_000),
            ["/endless-chunked"] = () => Endless(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", $"4000\r\n{new string('c', 0x4000)}\r\n", 10_000),
            ["/endless-chunk-lines"] = () => Endless(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "1;" + new string('e', 1000) + "\r\nx\r\n", 1_000_000),
            ["/endless-until-close"] = () => Endless("HTTP/1.0 200 OK\r\n\r\n", new string('b', 64 * 1024), 10_000),
            ["/endless-binary"] = () => Enumerable.Repeat(binary, 10_000),
            // A complete, valid response, one byte every half second: only a total deadline ends it in time.
            ["/dribble"] = () => Page("<p>slow</p>").Select(b => { Thread.Sleep(500); return new[] { b }; }),
        };
        var responses = new Dictionary<string, byte[]>
        {
            ["/"] = Page(string.Concat(streams.Keys.Concat(["/huge-length", "/overflowing-length", "/fine"]).Select(p => $"<a href=\"{p}\">x</a> "))),
            ["/huge-length"] = ScriptedHttpServer.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 999999999999999\r\n\r\nshort"),
            ["/overflowing-length"] = ScriptedHttpServer.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999999\r\n\r\nshort"),
            ["/fine"] = Page("<p>fine</p>"),
        };
        using var server = new ScriptedHttpServer(responses, streams);
        string origin = $"http://127.0.0.1:{server.Port}";

        var watch = Stopwatch.StartNew();
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(
            "crawl", "--verbose", "--timeout", "2", "--max-response-bytes", maxResponse.ToString(), $"{origin}/");
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "the 2 s deadline ends the dribble; the caps end the rest at once");
            crawl.ErrorLines.Should().NotContain(l => l.Contains("Unhandled", StringComparison.Ordinal) || l.StartsWith("   at ", StringComparison.Ordinal));
            Reason(crawl, $"{origin}/endless-headers").Should().Be("malformed response: more than 100 headers");
            Reason(crawl, $"{origin}/endless-header-line").Should().Be("malformed response: headers longer than 8192 bytes");
            Reason(crawl, $"{origin}/endless-chunked").Should().Be($"response larger than {maxResponse} bytes");
            Reason(crawl, $"{origin}/endless-chunk-lines").Should().Be($"response larger than {maxResponse} bytes");
            Reason(crawl, $"{origin}/endless-until-close").Should().Be($"response larger than {maxResponse} bytes");
            Reason(crawl, $"{origin}/endless-binary").Should().Be("malformed response: status line longer than 8192 bytes");
            Reason(crawl, $"{origin}/dribble").Should().Be("timed out after 2 s");
            Reason(crawl, $"{origin}/huge-length").Should().Be($"malformed response: body larger than {maxResponse} bytes");
            Reason(crawl, $"{origin}/overflowing-length").Should().StartWith("malformed response: bad Content-Length");
            Outcomes(crawl).Where(o => o.Status == "200").Select(o => o.Url).Should().BeEquivalentTo($"{origin}/", $"{origin}/fine");
            Summary(crawl).Should().Be((2, 9, 0));
        }
    }

    [TestCase("callbacks")]
    [TestCase("async")]
    public async Task Crawl_cuts_off_oversize_and_dribbled_responses_as_per_url_errors_and_goes_on(string mode)
    {
        const int maxResponse = 64 * 1024;
        var streams = new Dictionary<string, Func<IEnumerable<byte[]>>>
        {
            // Finite (the test's own bound), far beyond the crawler's limit.
            ["/endless-until-close"] = () => Enumerable.Repeat(ScriptedHttpServer.Bytes(new string('b', 16 * 1024)), 10_000)
                .Prepend(ScriptedHttpServer.Bytes("HTTP/1.0 200 OK\r\n\r\n")),
            // A complete, valid response, one byte every half second: only a total deadline ends it in time.
            ["/dribble"] = () => Page("<p>slow</p>").Select(b => { Thread.Sleep(500); return new[] { b }; }),
        };
        var responses = new Dictionary<string, byte[]>
        {
            ["/"] = Page("<a href=\"/endless-until-close\">x</a> <a href=\"/dribble\">x</a> <a href=\"/huge-length\">x</a> <a href=\"/fine\">x</a>"),
            ["/huge-length"] = ScriptedHttpServer.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\nshort"),
            ["/fine"] = Page("<p>fine</p>"),
        };
        using var server = new ScriptedHttpServer(responses, streams);
        string origin = $"http://127.0.0.1:{server.Port}";

        var watch = Stopwatch.StartNew();
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(
            Crawl(mode, "--verbose", "--timeout", "2", "--max-response-bytes", maxResponse.ToString(), $"{origin}/"));
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
            crawl.ErrorLines.Should().NotContain(l => l.Contains("Unhandled", StringComparison.Ordinal) || l.StartsWith("   at ", StringComparison.Ordinal));
            Reason(crawl, $"{origin}/endless-until-close").Should().Be($"response larger than {maxResponse} bytes");
            Reason(crawl, $"{origin}/dribble").Should().Be("timed out after 2 s");
            Reason(crawl, $"{origin}/huge-length").Should().Be($"malformed response: body larger than {maxResponse} bytes");
            Outcomes(crawl).Where(o => o.Status == "200").Select(o => o.Url).Should().BeEquivalentTo($"{origin}/", $"{origin}/fine");
            Summary(crawl).Should().Be((2, 3, 0));
        }
    }

    /// <summary><paramref name="head"/>, then <paramref name="repeated"/> <paramref name="times"/> times, lazily.</summary>
    private static IEnumerable<byte[]> Endless(string head, string repeated, int times) =>
        Enumerable.Repeat(ScriptedHttpServer.Bytes(repeated), times).Prepend(ScriptedHttpServer.Bytes(head));

    [Test]
    public async Task Crawl_resolves_a_host_name_and_does_not_follow_a_redirect_to_another_host()
    {
        var responses = new Dictionary<string, byte[]>
        {
            ["/"] = Page("<a href=\"a.html\">a</a> <a href='/away'>away</a>"),
            ["/a.html"] = Page("<a href=\"./\">home</a>"),
            // Another host is never contacted: the frontier refuses it before any DNS lookup or connect.
            ["/away"] = ScriptedHttpServer.Bytes("HTTP/1.1 301 Moved Permanently\r\nLocation: http://example.invalid/x\r\nContent-Length: 0\r\n\r\n"),
        };
        using var server = new ScriptedHttpServer(responses);
        string origin = $"http://localhost:{server.Port}";

        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync("crawl", "--verbose", $"{origin}/");
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            Outcomes(crawl).Should().BeEquivalentTo(new[] { ("200", $"{origin}/"), ("200", $"{origin}/a.html"), ("301", $"{origin}/away") });
            crawl.ErrorLines.Should().Contain($"301 {origin}/away -> http://example.invalid/x (not followed)");
            Summary(crawl).Should().Be((2, 0, 1));
        }
    }

    [TestCase("callbacks", "SIGTERM")]
    [TestCase("callbacks", "SIGINT")]
    [TestCase("async", "SIGTERM")]
    [TestCase("async", "SIGINT")]
    public async Task Crawl_stops_on_a_signal_closing_every_connection_and_printing_its_summary(string mode, string signal)
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(8);
        string[] urls = Enumerable.Range(0, 3).Select(i => $"http://127.0.0.1:{Port(silent)}/slow/{i}").ToArray();
        var accepted = new List<Socket>();
        using var crawl = CrawlProcess.Start(Crawl(mode, ["--timeout", "60", .. urls]));
        try
        {
            for (int i = 0; i < urls.Length; i++)
            {
                silent.Poll(TimeSpan.FromSeconds(20), SelectMode.SelectRead).Should().BeTrue($"the crawler connects; {crawl.Transcript}");
                Socket connection = silent.Accept();
                accepted.Add(connection);
                connection.ReceiveTimeout = 20_000;
                connection.Receive(new byte[4096]).Should().BePositive("the crawler sends its request before we stop it");
            }

            (await crawl.StopAsync(Enum.Parse<Signum>(signal))).Should().Be(0, crawl.Transcript);

            foreach (Socket connection in accepted)
            {
                connection.Receive(new byte[16]).Should().Be(0, "the crawler closed the connection before exiting");
            }

            crawl.ErrorLines.Should().Contain($"stopped ({signal})");
            SummaryWithBytes(crawl).Should().Be((0, 0, 0, 0), "fetches cut short by a stop are not errors");
        }
        finally
        {
            accepted.ForEach(s => s.Dispose());
        }
    }

    /// <summary>
    /// Runs the crawler with stdout on a pseudo-terminal (Python's os.openpty), reads it with a 60 s deadline, and prints
    /// it with ESC and CR made visible. Python starts the crawler and kills it, by its own handle, if it outlives that.
    /// </summary>
    private const string OnTerminal = """
        import os, select, subprocess, sys, time
        master, slave = os.openpty()
        # dotnet test names its host in DOTNET_HOST_PATH, for the children it starts.
        crawler = subprocess.Popen([os.environ.get("DOTNET_HOST_PATH") or "dotnet", *sys.argv[1:]], stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.DEVNULL)
        os.close(slave)
        output, deadline = b"", time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                if not select.select([master], [], [], 1)[0]:
                    continue
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the crawler exited and the terminal closed
                    break
                if not chunk:
                    break
                output += chunk
            crawler.wait(timeout=10)
        finally:
            if crawler.poll() is None:
                crawler.kill()
        sys.stdout.write(output.decode("latin-1").replace("\x1b", "<ESC>").replace("\r", "<CR>"))
        sys.exit(crawler.returncode)
        """;

    [TestCase("callbacks")]
    [TestCase("async")]
    public async Task Crawl_draws_a_live_progress_line_only_on_a_terminal_and_erases_it_before_the_summary(string mode)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "-c", OnTerminal, CrawlProcess.ExamplesDll }.Concat(Crawl(mode)))
        {
            start.ArgumentList.Add(argument);
        }

        using Process python = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        try
        {
            Task<string> output = python.StandardOutput.ReadToEndAsync();
            Task<string> error = python.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await python.WaitForExitAsync(timeout.Token);
            string terminal = await output;
            python.ExitCode.Should().Be(0, $"the crawler exits with 0; python said: {await error}; terminal: {terminal}");
            // Redrawn in place: carriage return, erase line, the status; and erased before the summary.
            terminal.Should().MatchRegex(@"<CR><ESC>\[K\d+ pages, \d+ in flight, \d+ queued, 0 errors, \d+ pages/s");
            terminal.Should().MatchRegex(@"<CR><ESC>\[Ksummary: 1000 pages, ");
        }
        finally
        {
            if (!python.HasExited)
            {
                python.Kill(); // Only the process this test started, by its own handle.
            }
        }
    }

    [TestCase("callbacks", "SIGINT")]
    [TestCase("callbacks", "SIGTERM")]
    [TestCase("async", "SIGINT")]
    [TestCase("async", "SIGTERM")]
    public async Task Crawl_of_the_built_in_site_stops_on_a_signal_without_counting_the_cut_fetches_as_errors(string mode, string signal)
    {
        // One fetch at a time takes the 1000 pages well over the moment the signal arrives. The site server stops
        // on the same signal and may close a fetch before the crawler's loop sees the stop: that is no error either.
        using var crawl = CrawlProcess.Start(Crawl(mode, "--concurrency", "1"));
        await crawl.WaitForOutputAsync("crawling ", TimeSpan.FromSeconds(30));
        (await crawl.StopAsync(Enum.Parse<Signum>(signal))).Should().Be(0, crawl.Transcript);
        crawl.ErrorLines.Should().Equal($"stopped ({signal})");
        (int pages, int errors, _) = Summary(crawl);
        pages.Should().BeLessThan(1000);
        errors.Should().Be(0);
    }

    [Test]
    public async Task Crawl_help_prints_its_usage_and_exits_0()
    {
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync("crawl", "--help");
        using (crawl)
        {
            exitCode.Should().Be(0);
            crawl.OutputLines[0].Should().StartWith("usage: Selectors.Examples crawl").And.EndWith("[URL ...]");
            crawl.OutputLines.Should().Contain(l => l.TrimStart().StartsWith("--max-pages N", StringComparison.Ordinal));
        }
    }

    [Test]
    public async Task Crawl_help_lists_the_async_and_ca_file_options()
    {
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync("crawl", "--help");
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            crawl.OutputLines.Should().Contain(l => l.TrimStart().StartsWith("--async", StringComparison.Ordinal));
            crawl.OutputLines.Should().Contain(l => l.TrimStart().StartsWith("--ca-file PATH", StringComparison.Ordinal));
        }
    }

    [TestCase("callbacks", "--bogus")]
    [TestCase("callbacks", "--concurrency", "0")]
    [TestCase("callbacks", "--concurrency", "many")]
    [TestCase("callbacks", "--max-pages", "-5")]
    [TestCase("callbacks", "--max-pages")]
    [TestCase("callbacks", "--timeout", "0")]
    [TestCase("callbacks", "--timeout", "soon")]
    [TestCase("callbacks", "--max-response-bytes", "100")]
    [TestCase("callbacks", "--backend", "kqueue")]
    [TestCase("callbacks", "--verbose=yes")]
    [TestCase("callbacks", "ftp://127.0.0.1/")]
    [TestCase("callbacks", "not a url")]
    [TestCase("async", "--concurrency", "0")]
    [TestCase("async", "--timeout", "0")]
    [TestCase("async", "ftp://127.0.0.1/")]
    [TestCase("async", "--ca-file")]
    [TestCase("async", "--ca-file", "/nonexistent/ca.pem")]
    public async Task Crawl_rejects_bad_arguments_with_its_usage_on_stderr_and_exit_code_2(string mode, params string[] arguments)
    {
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(Crawl(mode, arguments));
        using (crawl)
        {
            exitCode.Should().Be(2, crawl.Transcript);
            crawl.ErrorLines.Should().Contain(l => l.StartsWith("usage: Selectors.Examples crawl", StringComparison.Ordinal));
            crawl.OutputLines.Should().BeEmpty("nothing is crawled");
        }
    }

    /// <summary>The <c>crawl</c> command line for <paramref name="mode"/> (<c>callbacks</c> or <c>async</c>), then <paramref name="arguments"/>.</summary>
    private static string[] Crawl(string mode, params string[] arguments) => mode switch
    {
        "callbacks" => ["crawl", .. arguments],
        "async" => ["crawl", "--async", .. arguments],
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "callbacks or async"),
    };

    private static List<(string Status, string Url)> Outcomes(CrawlProcess crawl) =>
        crawl.ErrorLines.Select(l => OutcomeLine.Match(l)).Where(m => m.Success).Select(m => (m.Groups["status"].Value, m.Groups["url"].Value)).ToList();

    private static string Reason(CrawlProcess crawl, string url) =>
        crawl.ErrorLines.Single(l => l.StartsWith($"error {url}: ", StringComparison.Ordinal))[$"error {url}: ".Length..];

    private static (int Pages, int Errors, int Redirects) Summary(CrawlProcess crawl)
    {
        (int pages, int errors, int redirects, _) = SummaryWithBytes(crawl);
        return (pages, errors, redirects);
    }

    /// <summary>The summary's counts and its byte total, which the comparisons of the two crawlers also compare.</summary>
    private static (int Pages, int Errors, int Redirects, long Bytes) SummaryWithBytes(CrawlProcess crawl)
    {
        Match match = SummaryLine.Match(crawl.Summary);
        match.Success.Should().BeTrue($"'{crawl.Summary}' should be a summary line");
        return (int.Parse(match.Groups["pages"].Value), int.Parse(match.Groups["errors"].Value),
            int.Parse(match.Groups["redirects"].Value), long.Parse(match.Groups["bytes"].Value));
    }

    private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    private static byte[] Page(string html) =>
        ScriptedHttpServer.Bytes($"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {html.Length}\r\n\r\n{html}");
}
