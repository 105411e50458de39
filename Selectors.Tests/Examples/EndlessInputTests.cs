using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// Input with no end, end to end: a <see cref="FloodClient"/> sends as fast as loopback goes (an endless echo stream
/// that is never read back, an endless http header, an endless chat line) while an ordinary client is served
/// alongside; the server's resident memory (VmRSS) must grow by no more than a fixed bound, far below what was sent.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class EndlessInputTests
{
    // Far above the examples' own buffers (tens of KiB per connection) and the GC's slack, far below what a flood sends.
    private const long MemoryGrowthBound = 32L * 1024 * 1024;
    private static readonly TimeSpan Served = TimeSpan.FromSeconds(5);

    [SetUp]
    public void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Reads /proc.");
        }
    }

    [TestCase("echo")]
    [TestCase("echo", "--lowlevel")]
    [TestCase("echo", "--edge")]
    public async Task Echo_stops_reading_from_a_client_that_never_reads_and_serves_the_others(params string[] command)
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync([.. command, "--port", "0"]);
        using var other = new RoundTripClient(server.Port, "ping\n", "ping\n");
        other.RoundTrip(Served).Should().BeTrue();
        long before = ProcessUsage.ResidentBytes(server.Id);

        using (var flood = new FloodClient(server.Port, "", (byte)'e', maxBytes: 512L * 1024 * 1024, maxTime: TimeSpan.FromSeconds(10)))
        {
            (await flood.Outcome).Should().Be(FloodClient.End.HeldBack, "the server stops reading once its echo cannot be sent");
            flood.BytesSent.Should().BeLessThan(64L * 1024 * 1024, "only the kernel's socket buffers hold what was sent");
            other.RoundTrip(Served).Should().BeTrue("the others are echoed while one client holds the server back");
            (ProcessUsage.ResidentBytes(server.Id) - before).Should().BeLessThan(MemoryGrowthBound);
        }

        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
    }

    [Test]
    public async Task Http_answers_an_endless_header_with_431_and_cuts_the_client_off_by_the_header_timeout()
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("http", "--header-timeout", "1", "--verbose", "--port", "0");
        using var other = new RoundTripClient(server.Port, "GET / HTTP/1.1\r\n\r\n", "Hello, world!");
        other.RoundTrip(Served).Should().BeTrue();
        long before = ProcessUsage.ResidentBytes(server.Id);
        var clock = Stopwatch.StartNew();

        using (var flood = new FloodClient(server.Port, "GET / HTTP/1.1\r\nX-Filler: ", (byte)'a', maxBytes: long.MaxValue, maxTime: TimeSpan.FromSeconds(10)))
        {
            (await flood.Outcome).Should().Be(FloodClient.End.CutOff, "the server closes the connection");
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "the 1 s header timeout bounds the drain after the 431");
            (await flood.ReadReplyAsync(TimeSpan.FromSeconds(1))).Should().StartWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
            TestContext.Out.WriteLine($"sent {flood.BytesSent:N0} bytes in {clock.Elapsed.TotalSeconds:0.00} s");
            other.RoundTrip(Served).Should().BeTrue("the others are served meanwhile");
            (ProcessUsage.ResidentBytes(server.Id) - before).Should().BeLessThan(MemoryGrowthBound);
        }

        (await server.WaitForErrorLineAsync(l => l.EndsWith("(closing timeout)", StringComparison.Ordinal), Served)).Should().BeTrue(string.Join("\n", server.ErrorLines));
        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
    }

    [Test]
    public async Task Chat_drops_an_endless_line_without_buffering_it_and_delivers_the_others_lines()
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("chat", "--max-line", "1024", "--port", "0");
        using var alice = new LineClient(server.Port);
        using var bob = new LineClient(server.Port);
        alice.ReadLine().Should().StartWith("* nickname?");
        alice.Send("alice\n");
        alice.ReadLine().Should().StartWith("* welcome, alice");
        bob.ReadLine().Should().StartWith("* nickname?");
        bob.Send("bob\n");
        bob.ReadLine().Should().StartWith("* welcome, bob");
        alice.ReadLine().Should().Be("* bob joined");
        long before = ProcessUsage.ResidentBytes(server.Id);

        using (var flood = new FloodClient(server.Port, "mallory\n", (byte)'m', maxBytes: 256L * 1024 * 1024, maxTime: TimeSpan.FromSeconds(3)))
        {
            // Chat lines go through while the flood is on.
            for (int i = 0; i < 5 && !flood.Outcome.IsCompleted; i++)
            {
                alice.Send($"line {i}\n");
                NextChatLine(bob).Should().Be($"alice: line {i}");
                await Task.Delay(100);
            }

            await flood.Outcome;
            TestContext.Out.WriteLine($"sent {flood.BytesSent:N0} bytes");
            flood.BytesSent.Should().BeGreaterThan(2 * MemoryGrowthBound, "the flood must send more than the bound to show anything");
            (ProcessUsage.ResidentBytes(server.Id) - before).Should().BeLessThan(MemoryGrowthBound);
        }

        alice.Send("after\n");
        NextChatLine(bob).Should().Be("alice: after");
        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
    }

    /// <summary>The next line that is not a notice (<c>* mallory joined</c> may come at any point).</summary>
    private static string? NextChatLine(LineClient client)
    {
        // Bounded: a handful of notices at most, each read with the client's 10 s timeout.
        string? line = client.ReadLine();
        for (int i = 0; i < 10 && line is not null && line.StartsWith("* ", StringComparison.Ordinal); i++)
        {
            line = client.ReadLine();
        }

        return line;
    }
}
