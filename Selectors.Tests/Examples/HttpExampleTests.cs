using System;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// End to end: the <c>http</c> example runs as a child process and real clients talk to it over loopback: curl,
/// a python3 http.client load script (Clients/http_keepalive.py), and raw sockets for pipelining, oversized heads,
/// idle connections and malformed requests.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class HttpExampleTests
{
    private static readonly TimeSpan ClientLimit = TimeSpan.FromSeconds(60);

    [SetUp]
    public void RequireUnix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("These tests stop the server with POSIX signals.");
        }
    }

    [TestCase("default")]
    [TestCase("epoll")]
    [TestCase("poll")]
    [TestCase("select")]
    public async Task Http_serves_curl_over_http_1_0_and_1_1_and_stops_on_SIGTERM(string backend)
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("http", "--backend", backend, "--verbose", "--port", "0");
        server.Backend.Should().Be(backend == "default" ? DefaultSelector.ChosenBackend.ToString() : char.ToUpperInvariant(backend[0]) + backend[1..]);
        string url = $"http://127.0.0.1:{server.Port}/";

        var (exit, head10, _) = await ClientProgram.RunAsync("curl", ClientLimit, "-sS", "-i", "--http1.0", url);
        exit.Should().Be(0);
        head10.Should().StartWith("HTTP/1.1 200 OK\r\n").And.Contain("\r\nContent-Type: text/plain; charset=utf-8\r\n")
            .And.Contain("\r\nContent-Length: 13\r\n").And.Contain("\r\nConnection: close\r\n").And.EndWith("\r\n\r\nHello, world!");

        // Three URLs in one curl: HTTP/1.1 keeps the connection, so only the first transfer connects.
        (exit, string reused, _) = await ClientProgram.RunAsync("curl", ClientLimit, "-sS", "--http1.1", "-w", " %{http_code} %{num_connects}\n", url, url + "a", url + "b");
        exit.Should().Be(0);
        reused.Should().Be("Hello, world! 200 1\nHello, world! 200 0\nHello, world! 200 0\n");

        (exit, string head, _) = await ClientProgram.RunAsync("curl", ClientLimit, "-sS", "-I", url);
        exit.Should().Be(0);
        head.Should().StartWith("HTTP/1.1 200 OK\r\n").And.Contain("\r\nContent-Length: 13\r\n").And.EndWith("\r\n\r\n", "HEAD gets no body");

        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
        server.ErrorLines.Count(l => l.StartsWith("connect ", StringComparison.Ordinal)).Should().Be(3);
        server.ErrorLines.Should().Contain("stopping (SIGTERM)");
    }

    [Test]
    public async Task Http_answers_500_keep_alive_requests_over_50_connections()
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("http", "--verbose", "--nodelay", "--backlog", "256", "--port", "0");

        var (exit, stdout, stderr) = await ClientProgram.PythonFileAsync("http_keepalive.py", ClientLimit, server.Port.ToString(), "50", "10");

        exit.Should().Be(0, $"the Python clients said: {stderr}");
        stdout.Trim().Should().Be("ok 500 requests over 50 connections");
        (await server.StopAsync(Signum.SIGINT)).Should().Be(0);
        server.ErrorLines.Count(l => l.StartsWith("connect ", StringComparison.Ordinal)).Should().Be(50, "every client kept its one connection");
    }

    [Test]
    public async Task Http_answers_pipelined_requests_in_order_and_closes_after_connection_close()
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("http", "--port", "0");
        using var client = new LineClient(server.Port);

        // Sent in one write: the server finds three heads in one receive and must answer each, in order.
        client.Send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: t\r\n\r\nGET /3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        string responses = client.ReadToEnd();

        var found = Regex.Matches(responses, "HTTP/1\\.1 200 OK\r\n(?:[^\r\n]+\r\n)*?Connection: ([a-z-]+)\r\n\r\n(Hello, world!)?")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Success)).ToList();
        found.Should().Equal(("keep-alive", true), ("keep-alive", false), ("close", true));
        responses.Should().EndWith("Hello, world!", "the server closes right after the last response");
        await server.StopAsync();
    }

    [Test]
    public async Task Http_1_0_closes_after_the_response_unless_keep_alive_is_asked()
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("http", "--port", "0");
        using var client = new LineClient(server.Port);

        client.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        client.ReadLine().Should().Be("HTTP/1.1 200 OK");
        ReadHead(client).Should().Contain("Connection: keep-alive");
        ReadBody(client).Should().Be("Hello, world!");

        client.Send("GET / HTTP/1.0\r\n\r\n"); // Same connection: it was kept.
        client.ReadToEnd().Should().StartWith("HTTP/1.1 200 OK\r\n").And.Contain("Connection: close\r\n").And.EndWith("Hello, world!");
        await server.StopAsync();
    }

    [Test]
    public async Task Http_refuses_a_head_over_max_header_bytes_with_431_and_goes_on_serving()
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("http", "--max-header-bytes", "8192", "--port", "0");
        using var waiting = new LineClient(server.Port); // Connected before, served after.

        using (var exact = new LineClient(server.Port))
        {
            exact.Send(RequestWithHeadOf(8192));
            exact.ReadToEnd().Should().StartWith("HTTP/1.1 200 OK\r\n", "a head of exactly the cap is allowed");
        }

        using (var oversized = new LineClient(server.Port))
        {
            oversized.Send(RequestWithHeadOf(8193));
            oversized.ReadToEnd().Should().StartWith("HTTP/1.1 431 Request Header Fields Too Large\r\n").And.Contain("Connection: close\r\n");
        }

        using (var huge = new LineClient(server.Port))
        {
            huge.Send(RequestWithHeadOf(200_000)); // The server answers before it has read it all, then drains and closes.
            huge.ReadToEnd().Should().StartWith("HTTP/1.1 431 ");
        }

        var (exit, body, _) = await ClientProgram.RunAsync("curl", ClientLimit, "-sS", $"http://127.0.0.1:{server.Port}/");
        exit.Should().Be(0);
        body.Should().Be("Hello, world!");
        waiting.Send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
        waiting.ReadToEnd().Should().StartWith("HTTP/1.1 200 OK\r\n").And.EndWith("Hello, world!");
        (await server.StopAsync()).Should().Be(0);
    }

    [Test]
    public async Task Http_closes_connections_idle_longer_than_the_idle_timeout()
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("http", "--idle-timeout", "1", "--verbose", "--port", "0");
        var clock = Stopwatch.StartNew();
        using var silent = new LineClient(server.Port);
        using var busy = new LineClient(server.Port);
        using var keptAlive = new LineClient(server.Port);
        keptAlive.Send("GET / HTTP/1.1\r\n\r\n");
        keptAlive.ReadLine().Should().Be("HTTP/1.1 200 OK");
        ReadHead(keptAlive);
        ReadBody(keptAlive);

        // Activity moves the deadline: a request every 0.3 s for 1.8 s keeps this one open past its first deadline.
        for (int i = 0; i < 6; i++)
        {
            await Task.Delay(300);
            busy.Send("GET / HTTP/1.1\r\n\r\n");
            busy.ReadLine().Should().Be("HTTP/1.1 200 OK", $"request {i} comes before the connection has been idle for 1 s");
            ReadHead(busy);
            ReadBody(busy);
        }

        silent.IsClosedByServer().Should().BeTrue();
        keptAlive.IsClosedByServer().Should().BeTrue();
        var busySince = Stopwatch.StartNew();
        busy.IsClosedByServer().Should().BeTrue();
        busySince.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(0.7)).And.BeLessThan(TimeSpan.FromSeconds(3));
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(6));
        (await server.StopAsync()).Should().Be(0);
        server.ErrorLines.Count(l => l.EndsWith("(idle timeout)", StringComparison.Ordinal)).Should().Be(3);
    }

    [TestCase("BLAH\r\n\r\n", "HTTP/1.1 400 Bad Request")]
    [TestCase("GET /\r\n\r\n", "HTTP/1.1 400 Bad Request")]
    [TestCase("GET / HTTP/1.1\r\nno colon here\r\n\r\n", "HTTP/1.1 400 Bad Request")]
    [TestCase("GET / HTTP/1.1 extra\r\n\r\n", "HTTP/1.1 400 Bad Request")]
    [TestCase("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", "HTTP/1.1 405 Method Not Allowed")]
    [TestCase("DELETE /x HTTP/1.1\r\n\r\n", "HTTP/1.1 405 Method Not Allowed")]
    [TestCase("GET / HTTP/2.0\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported")]
    public async Task Http_answers_a_malformed_or_unsupported_request_with_an_error_and_closes(string request, string statusLine)
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("http", "--port", "0");
        using var client = new LineClient(server.Port);

        client.Send(request + "GET / HTTP/1.1\r\n\r\n"); // The request after it is not answered: the input can no longer be trusted.
        string response = client.ReadToEnd();

        response.Should().StartWith(statusLine + "\r\n").And.Contain("Connection: close\r\n").And.Contain("Content-Type: text/plain; charset=utf-8\r\n");
        Regex.Matches(response, "HTTP/1\\.1 ").Should().HaveCount(1);
        if (statusLine.Contains("405", StringComparison.Ordinal))
        {
            response.Should().Contain("Allow: GET, HEAD\r\n");
        }

        await server.StopAsync();
    }

    /// <summary>A GET whose head (request line, headers and the blank line) is exactly <paramref name="length"/> bytes.</summary>
    private static string RequestWithHeadOf(int length)
    {
        const string start = "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Pad: ";
        return start + new string('a', length - start.Length - 4) + "\r\n\r\n";
    }

    /// <summary>Reads header lines up to the blank line, after the status line.</summary>
    private static string ReadHead(LineClient client)
    {
        var lines = new System.Collections.Generic.List<string>();
        for (string? line = client.ReadLine(); !string.IsNullOrEmpty(line) && lines.Count < 100; line = client.ReadLine())
        {
            lines.Add(line);
        }

        return string.Join("\n", lines);
    }

    /// <summary>Reads the 13-byte body (it has no newline).</summary>
    private static string ReadBody(LineClient client) => client.ReadExactly(13);
}
