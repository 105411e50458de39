using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// Descriptor exhaustion (EMFILE on accept), end to end: the server runs as a child process, and once it is warm its
/// RLIMIT_NOFILE is lowered (prlimit(2), on its own process id) to a few descriptors above what it has open. Clients then
/// connect until one is not served; while the server is out of descriptors, the clients it has keep being served, it
/// spends almost no CPU (the listener stays readable, so a loop that kept watching it would spin), and it says so once
/// on stderr. When two clients leave, the waiting one and a new one are served.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DescriptorExhaustionTests
{
    private const int SpareDescriptors = 3;
    private const int MaxClients = 12;
    private static readonly TimeSpan Served = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan NotServed = TimeSpan.FromMilliseconds(500);

    [SetUp]
    public void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Uses prlimit(2) and /proc.");
        }
    }

    [TestCase("ping\n", "ping\n", "echo", "--loops", "1")]
    [TestCase("ping\n", "ping\n", "echo", "--lowlevel")]
    [TestCase("ping\n", "ping\n", "echo", "--edge")]
    [TestCase("GET / HTTP/1.1\r\nHost: t\r\n\r\n", "Hello, world!", "http", "--loops", "1")]
    [TestCase("x\n", "Ok,Thanks\n", "select-server")]
    public async Task Out_of_descriptors_the_server_keeps_its_clients_does_not_spin_and_recovers(string request, string reply, params string[] command)
    {
        using ExampleProcess server = await ExampleProcess.StartListeningAsync([.. command, "--port", "0"]);
        var clients = new List<RoundTripClient>();
        int limit = int.MaxValue;
        try
        {
            // Warm up: every path of a round trip has run (and been compiled) before descriptors run out.
            using (var warmUp = new RoundTripClient(server.Port, request, reply))
            {
                warmUp.RoundTrip(Served).Should().BeTrue("a fresh server answers");
            }

            await Task.Delay(100); // The server closes its side of the warm-up connection.
            limit = ProcessLimits.OpenDescriptors(server.Id) + SpareDescriptors;
            ProcessLimits.SetOpenFilesLimit(server.Id, limit);

            // Bounded: at most MaxClients connects, each waiting at most Served.
            RoundTripClient? waiting = null;
            while (waiting is null && clients.Count < MaxClients)
            {
                var client = new RoundTripClient(server.Port, request, reply);
                clients.Add(client);
                waiting = client.RoundTrip(clients.Count <= SpareDescriptors - 1 ? Served : NotServed) ? null : client;
            }

            waiting.Should().NotBeNull($"the server had {SpareDescriptors} descriptors to spare, so one of {MaxClients} clients must wait");
            List<RoundTripClient> served = clients.Where(c => c != waiting).ToList();
            served.Should().NotBeEmpty("the first client fits under the limit");

            TimeSpan cpuBefore = ProcessUsage.CpuTime(server.Id);
            await Task.Delay(TimeSpan.FromSeconds(1));
            TimeSpan cpuWhileExhausted = ProcessUsage.CpuTime(server.Id) - cpuBefore;
            served.Should().OnlyContain(c => c.RoundTrip(Served), "the connections already open are served while accepts fail");
            cpuWhileExhausted.Should().BeLessThan(TimeSpan.FromMilliseconds(200), "a loop that backs off waits; one that spins on the readable listener burns a core");
            server.ErrorLines.Count(l => l.StartsWith("accept failed (TooManyOpenSockets", StringComparison.Ordinal))
                .Should().Be(1, "running out is logged once, not at every retry: {0}", string.Join("\n", server.ErrorLines));

            // Two leave: the waiting client is accepted from the backlog, and one more new client fits.
            foreach (RoundTripClient leaving in served.Take(2))
            {
                leaving.Dispose();
                clients.Remove(leaving);
            }

            waiting!.AwaitReply(Served).Should().BeTrue("the waiting client is accepted once descriptors are free");
            var late = new RoundTripClient(server.Port, request, reply);
            clients.Add(late);
            late.RoundTrip(Served).Should().BeTrue("a new client is served again");
            (await server.WaitForErrorLineAsync(l => l == "accepting again", Served)).Should().BeTrue("the recovery is logged");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        // Stop once the server has closed its side of the connections the clients left: the runtime's own SIGTERM path
        // needs a descriptor or two, and aborts ("Out of memory.") when a signal finds the process still out of them.
        var freeing = System.Diagnostics.Stopwatch.StartNew();
        while (ProcessLimits.OpenDescriptors(server.Id) > limit - SpareDescriptors && freeing.Elapsed < Served)
        {
            await Task.Delay(10);
        }

        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0, string.Join("\n", server.ErrorLines));
    }
}
