using System;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// End to end: the <c>chat</c> example runs as a child process; python3 clients (Clients/chat_room.py,
/// Clients/chat_slow_reader.py) and raw sockets talk to it over loopback.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ChatExampleTests
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
    [TestCase("poll")]
    [TestCase("select")]
    public async Task Chat_delivers_each_line_to_the_two_others_exactly_once_and_never_back_to_its_sender(string backend)
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("chat", "--backend", backend, "--verbose", "--port", "0");

        // Three clients each send 200 lines and "done" while all read; join and leave notices are checked in order.
        var (exit, stdout, stderr) = await ClientProgram.PythonFileAsync("chat_room.py", ClientLimit, server.Port.ToString(), "200");

        exit.Should().Be(0, $"the Python clients said: {stderr}");
        stdout.Trim().Should().Be($"ok {3 * 2 * 201} lines");
        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
        server.ErrorLines.Where(l => l.StartsWith("join ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2])
            .Should().Equal("alice", "bob", "carol");
        server.ErrorLines.Count(l => l.EndsWith("(eof)", StringComparison.Ordinal)).Should().Be(3);
    }

    [Test]
    public async Task Chat_holds_400_idle_connections_and_a_line_reaches_all_the_others_quickly()
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("chat", "--backlog", "512", "--port", "0");

        // One Python thread with its own selectors module drives all 400 sockets; the line must arrive within 5 s.
        var (exit, stdout, stderr) = await ClientProgram.PythonFileAsync("chat_many_idle.py", ClientLimit, server.Port.ToString(), "400");

        exit.Should().Be(0, $"the Python clients said: {stderr}");
        stdout.Should().StartWith("ok 399 received in ");
        TestContext.Out.WriteLine(stdout);
        (await server.StopAsync()).Should().Be(0);
    }

    [Test]
    public async Task Chat_disconnects_a_client_that_stops_reading_once_its_queue_passes_the_cap_and_delays_nobody()
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("chat", "--verbose", "--port", "0");

        // alice sends 1000-byte lines until slow (tiny receive buffer, never reads) is evicted, at most 48 MB.
        var (exit, stdout, stderr) = await ClientProgram.PythonFileAsync("chat_slow_reader.py", ClientLimit, server.Port.ToString(), "evict", "48");

        exit.Should().Be(0, $"the Python clients said: {stderr}");
        stdout.Should().StartWith("ok ");
        TestContext.Out.WriteLine(stdout);
        (await server.StopAsync()).Should().Be(0);
        server.ErrorLines.Count(l => l.EndsWith("(too slow: output queue full)", StringComparison.Ordinal)).Should().Be(1);
    }

    [Test]
    public async Task Chat_keeps_serving_the_others_while_a_client_under_the_cap_stops_reading()
    {
        // A 64 MiB cap: slow's 8 MB backlog stays queued, slow stays connected, and the others are not held up.
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("chat", "--max-queue", (64 * 1024 * 1024).ToString(), "--port", "0");

        var (exit, stdout, stderr) = await ClientProgram.PythonFileAsync("chat_slow_reader.py", ClientLimit, server.Port.ToString(), "stall", "8");

        exit.Should().Be(0, $"the Python clients said: {stderr}");
        stdout.Should().StartWith("ok ");
        TestContext.Out.WriteLine(stdout);
        (await server.StopAsync()).Should().Be(0);
    }

    [Test]
    public async Task Chat_checks_nicknames_drops_overlong_lines_with_a_notice_and_closes_everyone_on_SIGTERM()
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("chat", "--max-line", "16", "--port", "0");
        using var alice = new LineClient(server.Port);
        using var bob = new LineClient(server.Port);
        alice.ReadLine().Should().StartWith("* nickname?");
        alice.Send("alice\n");
        alice.ReadLine().Should().Be("* welcome, alice (0 others here)");

        bob.ReadLine().Should().StartWith("* nickname?");
        bob.Send("not valid!\r\n");
        bob.ReadLine().Should().Be("* not a valid nickname; try again");
        bob.Send("ALICE\n");
        bob.ReadLine().Should().Be("* ALICE is taken; try another");
        bob.Send("bob\n");
        bob.ReadLine().Should().Be("* welcome, bob (1 others here)");
        alice.ReadLine().Should().Be("* bob joined");

        // 17 bytes is one too many; 5000 bytes arrive over several receives and are discarded up to their newline.
        alice.Send(new string('x', 17) + "\n" + new string('y', 16) + "\r\n" + new string('z', 5000));
        alice.Send("z\nlast\n");
        alice.ReadLine().Should().Be("* line too long (more than 16 bytes); dropped");
        alice.ReadLine().Should().Be("* line too long (more than 16 bytes); dropped");
        bob.ReadLine().Should().Be("alice: " + new string('y', 16), "a line of exactly the cap (CRLF not counted) goes through");
        bob.ReadLine().Should().Be("alice: last", "the connection stays usable after a dropped line");

        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
        alice.IsClosedByServer().Should().BeTrue();
        bob.IsClosedByServer().Should().BeTrue();
    }
}
