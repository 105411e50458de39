using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// Slowloris against the http example: half-requests that stay silent or dribble a byte at a time are closed by the
/// request-head deadline (<c>--header-timeout</c>), which a byte does not move, while the idle timeout (which every
/// byte moves) is far off, and a keep-alive client that takes its time between requests is served throughout.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class HttpSlowlorisTests
{
    private static readonly TimeSpan Served = TimeSpan.FromSeconds(5);

    [SetUp]
    public void RequireUnix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Stops the server with a POSIX signal.");
        }
    }

    [Test]
    public async Task Http_closes_silent_and_dribbling_half_requests_at_the_header_timeout_and_serves_the_others()
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync("http", "--header-timeout", "1", "--idle-timeout", "30", "--verbose", "--port", "0");
        using var silent = Connect(server.Port);
        using var dribbler = Connect(server.Port);
        using var patient = new RoundTripClient(server.Port, "GET / HTTP/1.1\r\n\r\n", "Hello, world!");
        var clock = Stopwatch.StartNew();
        silent.Send(Encoding.ASCII.GetBytes("GET / HT"));
        dribbler.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nX-Slow: "));

        // A byte every 200 ms, for at most 4 s: far more often than the 30 s idle timeout, so only the head deadline
        // can end it. Between bytes the keep-alive client makes a request, the whole run longer than the head timeout.
        TimeSpan? dribblerClosedAt = null;
        for (int i = 0; i < 20 && dribblerClosedAt is null; i++)
        {
            await Task.Delay(200);
            patient.RoundTrip(Served).Should().BeTrue($"request {i} of the patient client is served");
            dribbler.Send("x"u8, SocketFlags.None, out SocketError error);
            if (error != SocketError.Success || IsClosed(dribbler))
            {
                dribblerClosedAt = clock.Elapsed;
            }
        }

        dribblerClosedAt.Should().NotBeNull("the dribbling client is closed");
        dribblerClosedAt!.Value.Should().BeGreaterThan(TimeSpan.FromSeconds(0.8)).And.BeLessThan(TimeSpan.FromSeconds(3));
        // Its deadline is due within milliseconds of the dribbler's, but the server may close it on its next turn.
        IsClosed(silent, TimeSpan.FromSeconds(1)).Should().BeTrue("the silent half-request is closed too");
        patient.RoundTrip(Served).Should().BeTrue("the patient client is still served");
        (await server.WaitForErrorLineAsync(l => server.ErrorLines.Count(e => e.EndsWith("(request head timeout)", StringComparison.Ordinal)) == 2, Served))
            .Should().BeTrue(string.Join("\n", server.ErrorLines));
        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
    }

    private static Socket Connect(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { SendTimeout = 5_000 };
        socket.Connect(IPAddress.Loopback, port);
        return socket;
    }

    /// <summary>
    /// Whether the server closed <paramref name="socket"/>: readable now (or within <paramref name="within"/>), and end
    /// of file or a reset.
    /// </summary>
    private static bool IsClosed(Socket socket, TimeSpan within = default)
    {
        if (!socket.Poll(within, SelectMode.SelectRead))
        {
            return false;
        }

        int n = socket.Receive(new byte[256], SocketFlags.None, out SocketError error);
        return error != SocketError.Success || n == 0;
    }
}
