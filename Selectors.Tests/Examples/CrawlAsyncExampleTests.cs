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
/// End to end: <c>Selectors.Examples crawl --async</c>, the coroutine crawler on <c>SelectorLoop.RunUntilComplete</c>,
/// against the same real loopback servers as <see cref="CrawlExampleTests"/>, and compared with the callback crawler
/// (<c>crawl</c>): the same pages, errors, redirects and stop behaviour. Tests with a <c>mode</c> run both crawlers.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CrawlAsyncExampleTests
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
    public async Task Crawl_async_of_the_built_in_site_fetches_the_same_1000_pages_as_the_callback_crawl(string backend)
    {
        (int Pages, int Errors, int Redirects, long Bytes) callback = await BuiltInSiteAsync([], backend);
        (int Pages, int Errors, int Redirects, long Bytes) coroutines = await BuiltInSiteAsync(["--async"], backend);
        callback.Should().Be((1000, 0, 0, callback.Bytes));
        coroutines.Should().Be(callback, "both crawl the same generated site");
    }

    private static async Task<(int Pages, int Errors, int Redirects, long Bytes)> BuiltInSiteAsync(string[] mode, string backend)
    {
        var watch = Stopwatch.StartNew();
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(["crawl", .. mode, "--verbose", "--backend", backend]);
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
            return Summary(crawl);
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
        foreach (string[] mode in new[] { Array.Empty<string>(), ["--async"] })
        {
            // http.server listens with a backlog of 5: more concurrent connects overflow it.
            (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(["crawl", .. mode, "--verbose", "--concurrency", "4", $"{origin}/"]);
            using (crawl)
            {
                exitCode.Should().Be(0, crawl.Transcript);
                var outcomes = Outcomes(crawl);
                outcomes.GroupBy(o => o.Url).Where(g => g.Count() > 1).Select(g => g.Key).Should().BeEmpty("each URL is fetched once");
                outcomes.Where(o => o.Status == "200").Select(o => o.Url).Order(StringComparer.Ordinal).Should()
                    .Equal(tree.PagePaths.Select(p => origin + p).Order(StringComparer.Ordinal));
                crawl.ErrorLines.Should().Contain($"301 {origin}/sub -> {origin}/sub/");
                results.Add(Summary(crawl));
            }
        }

        results[0].Should().Be((300, 0, 1, results[0].Bytes));
        results[1].Should().Be(results[0], "the coroutine crawl fetches what the callback crawl fetches");
    }

    [TestCase("")]
    [TestCase("--async")]
    public async Task Crawl_reports_a_refused_url_and_a_silent_server_as_per_url_errors_and_finishes(string mode)
    {
        using var refusing = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        refusing.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // Bound but not listening: connects are refused.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(8); // Connections complete in the backlog, and nothing ever answers them.
        string refusedUrl = $"http://127.0.0.1:{Port(refusing)}/";
        string silentUrl = $"http://127.0.0.1:{Port(silent)}/never";

        var watch = Stopwatch.StartNew();
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(Arguments(mode, "--timeout", "1", refusedUrl, silentUrl));
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            crawl.ErrorLines.Should().Contain($"error {refusedUrl}: connection refused").And.Contain($"error {silentUrl}: timed out after 1 s");
            Summary(crawl).Should().Be((0, 2, 0, 0));
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "the 1 s timeout ends the silent fetch");
        }
    }

    [TestCase("")]
    [TestCase("--async")]
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
            Arguments(mode, "--verbose", "--timeout", "2", "--max-response-bytes", maxResponse.ToString(), $"{origin}/"));
        using (crawl)
        {
            exitCode.Should().Be(0, crawl.Transcript);
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
            crawl.ErrorLines.Should().NotContain(l => l.Contains("Unhandled", StringComparison.Ordinal) || l.StartsWith("   at ", StringComparison.Ordinal));
            Reason(crawl, $"{origin}/endless-until-close").Should().Be($"response larger than {maxResponse} bytes");
            Reason(crawl, $"{origin}/dribble").Should().Be("timed out after 2 s");
            Reason(crawl, $"{origin}/huge-length").Should().Be($"malformed response: body larger than {maxResponse} bytes");
            Outcomes(crawl).Where(o => o.Status == "200").Select(o => o.Url).Should().BeEquivalentTo($"{origin}/", $"{origin}/fine");
            (int pages, int errors, int redirects, _) = Summary(crawl);
            (pages, errors, redirects).Should().Be((2, 3, 0));
        }
    }

    [TestCase("", "SIGTERM")]
    [TestCase("", "SIGINT")]
    [TestCase("--async", "SIGTERM")]
    [TestCase("--async", "SIGINT")]
    public async Task Crawl_stops_on_a_signal_closing_every_connection_and_printing_its_summary(string mode, string signal)
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(8);
        string[] urls = Enumerable.Range(0, 3).Select(i => $"http://127.0.0.1:{Port(silent)}/slow/{i}").ToArray();
        var accepted = new List<Socket>();
        using var crawl = CrawlProcess.Start(Arguments(mode, ["--timeout", "60", .. urls]));
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
            Summary(crawl).Should().Be((0, 0, 0, 0), "fetches cut short by a stop are not errors");
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

    [Test]
    public async Task Crawl_async_draws_the_same_live_progress_line_on_a_terminal_and_erases_it_before_the_summary()
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "-c", OnTerminal, CrawlProcess.ExamplesDll, "crawl", "--async" })
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

    [TestCase("SIGINT")]
    [TestCase("SIGTERM")]
    public async Task Crawl_async_of_the_built_in_site_stops_on_a_signal_without_counting_the_cut_fetches_as_errors(string signal)
    {
        using var crawl = CrawlProcess.Start("crawl", "--async", "--concurrency", "1");
        await crawl.WaitForOutputAsync("crawling ", TimeSpan.FromSeconds(30));
        (await crawl.StopAsync(Enum.Parse<Signum>(signal))).Should().Be(0, crawl.Transcript);
        crawl.ErrorLines.Should().Equal($"stopped ({signal})");
        (int pages, int errors, _, _) = Summary(crawl);
        pages.Should().BeLessThan(1000);
        errors.Should().Be(0);
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

    [TestCase("--async", "--concurrency", "0")]
    [TestCase("--async", "--timeout", "0")]
    [TestCase("--async", "ftp://127.0.0.1/")]
    [TestCase("--async", "--ca-file")]
    [TestCase("--async", "--ca-file", "/nonexistent/ca.pem")]
    public async Task Crawl_async_rejects_bad_arguments_with_its_usage_on_stderr_and_exit_code_2(params string[] arguments)
    {
        (CrawlProcess crawl, int exitCode) = await CrawlProcess.RunAsync(["crawl", .. arguments]);
        using (crawl)
        {
            exitCode.Should().Be(2, crawl.Transcript);
            crawl.ErrorLines.Should().Contain(l => l.StartsWith("usage: Selectors.Examples crawl", StringComparison.Ordinal));
            crawl.OutputLines.Should().BeEmpty("nothing is crawled");
        }
    }

    private static string[] Arguments(string mode, params string[] rest) =>
        mode.Length == 0 ? ["crawl", .. rest] : ["crawl", mode, .. rest];

    private static List<(string Status, string Url)> Outcomes(CrawlProcess crawl) =>
        crawl.ErrorLines.Select(l => OutcomeLine.Match(l)).Where(m => m.Success).Select(m => (m.Groups["status"].Value, m.Groups["url"].Value)).ToList();

    private static string Reason(CrawlProcess crawl, string url) =>
        crawl.ErrorLines.Single(l => l.StartsWith($"error {url}: ", StringComparison.Ordinal))[$"error {url}: ".Length..];

    private static (int Pages, int Errors, int Redirects, long Bytes) Summary(CrawlProcess crawl)
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
