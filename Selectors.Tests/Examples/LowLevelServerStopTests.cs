using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM stop each low-level server cleanly: exit code 0, and every connection it holds is
/// closed first (the clients read end of file), each logged with <c>--verbose</c>.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LowLevelServerStopTests
{
    [SetUp]
    public void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Runs epoll and stops the server with POSIX signals.");
        }
    }

    [TestCase("SIGINT", "echo", "--lowlevel")]
    [TestCase("SIGTERM", "echo", "--edge")]
    [TestCase("SIGINT", "select-server")]
    [TestCase("SIGTERM", "poll-server")]
    public async Task Stops_on_a_signal_with_exit_code_0_after_closing_every_connection(string signal, params string[] command)
    {
        using var server = await ExampleProcess.StartListeningAsync([.. command, "--port", "0", "--verbose"]);
        int port = server.Port;
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000 };
                clients.Add(client);
                client.Connect(IPAddress.Loopback, port);
                client.Send("hello\n"u8.ToArray());
                var reply = new byte[6];
                client.Receive(reply).Should().BePositive("the server answers before we stop it, so it has accepted us");
            }

            (await server.StopAsync(Enum.Parse<Signum>(signal))).Should().Be(0);

            foreach (Socket client in clients)
            {
                // Drain the rest of a reply, then end of file: the server closed the connection before exiting.
                var rest = new byte[64];
                int n = 0;
                for (int i = 0; i < 10 && (n = client.Receive(rest)) > 0; i++)
                {
                }

                n.Should().Be(0);
            }

            server.ErrorLines.Count(l => l.EndsWith("(server stopping)", StringComparison.Ordinal)).Should().Be(3);
            server.ErrorLines.Should().Contain($"stopping ({signal})");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
