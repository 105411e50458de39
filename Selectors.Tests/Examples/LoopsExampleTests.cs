using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// <c>--loops N</c> of the echo and http examples: N loops, each with its own selector, thread and SO_REUSEPORT
/// listener on one port. With <c>--verbose</c> each loop reports at the stop how many connections the kernel gave it
/// (<c>loop I: N connections</c>), which is how these tests see the spread. The clients are those of the single-loop
/// tests; the bad values of <c>--loops</c> are cases of the usage tests of each command.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class LoopsExampleTests
{
    private static readonly TimeSpan ClientLimit = TimeSpan.FromSeconds(90);

    [SetUp]
    public void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("SO_REUSEPORT spreads connections on Linux only, and the server is stopped with POSIX signals.");
        }
    }

    [TestCase("default")]
    [TestCase("select")]
    public async Task Echo_with_two_loops_returns_every_byte_on_200_connections_spread_over_both_loops(string backend)
    {
        const int connections = 200;
        using var server = await ExampleProcess.StartListeningAsync("echo", "--port", "0", "--loops", "2", "--backend", backend, "--verbose");

        int seed = Random.Shared.Next();
        var (exitCode, stdout, stderr) = await ClientProgram.PythonAsync(EchoManyConnectionsTests.Client, ClientLimit, server.Port.ToString(), connections.ToString(), seed.ToString());

        exitCode.Should().Be(0, $"the python client said: {stderr}");
        stdout.Should().StartWith($"ok {connections} connections");
        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
        server.ErrorLines.Should().Contain("2 loops on one port (SO_REUSEPORT), one thread each");
        server.ErrorLines.Count(l => l.StartsWith("close 127.0.0.1:", StringComparison.Ordinal) && l.EndsWith("(eof)", StringComparison.Ordinal)).Should().Be(connections);
        // The kernel hashes each connection's ports onto a listener: 200 all on one of two has odds of 2^-199.
        int[] spread = Spread(server);
        spread.Should().HaveCount(2).And.OnlyContain(n => n > 0, "the kernel spreads connections over both loops");
        spread.Sum().Should().Be(connections);
    }

    [Test]
    public async Task Http_with_two_loops_answers_curl_and_500_keep_alive_requests_spread_over_both_loops()
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("http", "--port", "0", "--loops", "2", "--verbose", "--nodelay");

        var (exit, body, _) = await ClientProgram.RunAsync("curl", ClientLimit, "-sS", $"http://127.0.0.1:{server.Port}/");
        exit.Should().Be(0);
        body.Should().Be("Hello, world!");
        var (clientsExit, stdout, stderr) = await ClientProgram.PythonFileAsync("http_keepalive.py", ClientLimit, server.Port.ToString(), "50", "10");
        clientsExit.Should().Be(0, $"the Python clients said: {stderr}");
        stdout.Trim().Should().Be("ok 500 requests over 50 connections");

        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
        server.ErrorLines.Should().Contain("stopping (SIGTERM)");
        int[] spread = Spread(server);
        spread.Should().HaveCount(2).And.OnlyContain(n => n > 0, "51 connections all on one of two loops has odds of 2^-50");
        spread.Sum().Should().Be(51);
    }

    [TestCase("echo", "SIGTERM")]
    [TestCase("http", "SIGINT")]
    public async Task Every_loop_stops_on_a_signal_closing_its_connections_and_listener_with_exit_code_0(string command, string signal)
    {
        const int clients = 16;
        using var server = await ExampleProcess.StartListeningAsync(command, "--port", "0", "--loops", "3", "--verbose");
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < clients; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000 };
                sockets.Add(client);
                client.Connect(IPAddress.Loopback, server.Port);
            }

            // Accepted by a loop, one by one, before the stop: otherwise a connection could still sit in a listener's backlog.
            await WaitUntilAsync(() => server.ErrorLines.Count(l => l.StartsWith("connect ", StringComparison.Ordinal)) == clients);

            (await server.StopAsync(Enum.Parse<Signum>(signal))).Should().Be(0);

            foreach (Socket client in sockets)
            {
                client.Receive(new byte[16]).Should().Be(0, "every loop closed its connections before the process exited");
            }

            server.ErrorLines.Count(l => l.EndsWith("(server stopping)", StringComparison.Ordinal)).Should().Be(clients);
            server.ErrorLines.Should().Contain($"stopping ({signal})");
            Spread(server).Should().HaveCount(3).And.Subject.Sum().Should().Be(clients);
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Invoking(p => p.Connect(IPAddress.Loopback, server.Port)).Should().Throw<SocketException>("no listener is left")
                .Which.SocketErrorCode.Should().Be(SocketError.ConnectionRefused);
        }
        finally
        {
            sockets.ForEach(c => c.Dispose());
        }
    }

    [TestCase("echo")]
    [TestCase("http")]
    public async Task One_loop_listens_without_SO_REUSEPORT_and_logs_no_spread(string command)
    {
        using var server = await ExampleProcess.StartListeningAsync(command, "--port", "0", "--loops", "1", "--verbose");

        // With SO_REUSEPORT on the server's listener this bind would join its group; without it the port is taken.
        using (var intruder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            intruder.SetRawSocketOption(1, 15, BitConverter.GetBytes(1)); // SOL_SOCKET, SO_REUSEPORT on Linux
            intruder.Invoking(s => s.Bind(new IPEndPoint(IPAddress.Loopback, server.Port))).Should().Throw<SocketException>()
                .Which.SocketErrorCode.Should().Be(SocketError.AddressAlreadyInUse);
        }

        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
        server.ErrorLines.Should().Equal("stopping (SIGTERM)");
    }

    /// <summary>The connections each loop took, from the <c>loop I: N connections</c> lines, in loop order.</summary>
    private static int[] Spread(ExampleProcess server) =>
        server.ErrorLines.Select(l => SpreadLine().Match(l)).Where(m => m.Success)
            .OrderBy(m => int.Parse(m.Groups[1].Value)).Select(m => int.Parse(m.Groups[2].Value)).ToArray();

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        condition().Should().BeTrue("the server should have accepted every connection within 30 s");
    }

    [GeneratedRegex(@"^loop (\d+): (\d+) connections$")]
    private static partial Regex SpreadLine();
}
