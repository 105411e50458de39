using System;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// What the echo tests check of a running <c>Selectors.Examples echo ... --verbose</c> server, the same for the callback
/// server (<see cref="EchoExampleTests"/>) and <c>echo --async</c> (<see cref="EchoAsyncTests"/>): its stop on a
/// signal while it holds connections, and its stop and log after clients that each half-closed and got every byte back.
/// </summary>
internal static class EchoServerChecks
{
    /// <summary>
    /// Connects three clients (each gets one byte echoed first when <paramref name="echoFirst"/>; a TLS server would
    /// wait for a handshake instead), waits until the server has logged all three, stops it with
    /// <paramref name="signal"/>, and checks: exit code 0, every client reads end of file, three
    /// <c>(server stopping)</c> closes and <c>stopping (SIGNAL)</c>.
    /// </summary>
    public static async Task StopsCleanlyClosingThreeConnectionsAsync(ExampleProcess server, string signal, bool echoFirst)
    {
        using var first = new LineClient(server.Port);
        using var second = new LineClient(server.Port);
        using var third = new LineClient(server.Port);
        LineClient[] clients = [first, second, third];
        if (echoFirst)
        {
            for (int i = 0; i < clients.Length; i++)
            {
                string letter = ((char)('a' + i)).ToString();
                clients[i].Send(letter);
                clients[i].ReadExactly(1).Should().Be(letter, "the server echoes before we stop it");
            }
        }

        // Every connection is open in the server (accepted, and logged) before the signal: without an echo, a connect
        // only proves the kernel completed it in the listen backlog.
        (await server.WaitForErrorLineAsync(_ => server.ErrorLines.Count(l => l.StartsWith("connect ", StringComparison.Ordinal)) == 3, TimeSpan.FromSeconds(30)))
            .Should().BeTrue();
        (await server.StopAsync(Enum.Parse<Signum>(signal))).Should().Be(0);

        foreach (LineClient client in clients)
        {
            // End of file, not a reset (that throws) nor more bytes.
            client.ReadLine().Should().BeNull("the server closed the connection before exiting");
        }

        server.ErrorLines.Count(l => l.EndsWith("(server stopping)", StringComparison.Ordinal)).Should().Be(3);
        server.ErrorLines.Should().Contain($"stopping ({signal})");
    }

    /// <summary>
    /// After <paramref name="connections"/> clients each half-closed and got every byte back: stops the server with
    /// SIGTERM and checks exit code 0, one <c>connect</c> and one <c>close ... (eof)</c> line per client, and
    /// <c>stopping (SIGTERM)</c>.
    /// </summary>
    public static async Task StopsOnSigtermHavingClosedEveryClientAtEndOfFileAsync(ExampleProcess server, int connections)
    {
        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
        server.ErrorLines.Count(l => l.StartsWith("connect 127.0.0.1:", StringComparison.Ordinal)).Should().Be(connections);
        server.ErrorLines.Count(l => l.StartsWith("close 127.0.0.1:", StringComparison.Ordinal) && l.EndsWith("(eof)", StringComparison.Ordinal))
            .Should().Be(connections, "every client half-closed after its last byte, and got all of them back first");
        server.ErrorLines.Should().Contain("stopping (SIGTERM)");
    }
}
