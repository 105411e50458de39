using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;

namespace Selectors.Benchmarks.Compare;

/// <summary>
/// System calls per round trip of an echo server, counted with <c>strace -c -f -p PID</c> (every thread) over a
/// load-generator run. strace slows the server a lot, but the count per round trip does not depend on speed.
/// </summary>
internal static class SyscallCount
{
    public static bool Available => File.Exists("/usr/bin/strace");

    /// <summary>Calls per round trip by syscall name, plus "total".</summary>
    public static Dictionary<string, double> PerRoundTrip(PeerBuild peers, EchoServer server, int connections, double seconds)
    {
        using ChildProcess process = EchoRun.StartServer(server, out int port);
        // Let the runtime finish starting up (JIT, thread pool) before counting; then count only the serving.
        Thread.Sleep(500);
        string output = Path.Combine(peers.Folder, $"strace-{process.Id}.txt");
        long roundTrips;
        using (ChildProcess strace = ChildProcess.Start(null, "strace", "-c", "-f", "-p", process.Id.ToString(CultureInfo.InvariantCulture), "-o", output))
        {
            Thread.Sleep(1000); // attaching to every thread takes a moment; calls before the load starts are few
            Dictionary<string, string> fields = EchoRun.RunLoadGenerator(peers, port, connections, 0, seconds, process.Id);
            roundTrips = long.Parse(fields["total_rt"], CultureInfo.InvariantCulture);
            strace.Signal(2); // SIGINT: strace detaches and writes its summary
            strace.WaitForExit(TimeSpan.FromSeconds(20));
        }

        var perRoundTrip = new Dictionary<string, double>();
        foreach (string line in File.ReadAllLines(output))
        {
            // "% time     seconds  usecs/call     calls    errors syscall": calls is the 4th column, the name the last.
            string[] columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length >= 5 && long.TryParse(columns[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out long calls)
                && double.TryParse(columns[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                perRoundTrip[columns[^1]] = (double)calls / Math.Max(roundTrips, 1);
            }
        }

        return perRoundTrip.OrderByDescending(p => p.Value).ToDictionary(p => p.Key, p => p.Value);
    }
}
