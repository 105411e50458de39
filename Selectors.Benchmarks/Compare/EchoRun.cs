using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Selectors.Benchmarks.Compare;

/// <summary>
/// One echo measurement: the server on core 0, the C load generator on core 1 (unless told other cores), N connections
/// for a warm-up and a measured window; the load generator reads the server's CPU time from /proc itself, at the window's edges.
/// </summary>
internal static partial class EchoRun
{
    public const int MessageSize = 64;

    /// <summary>One run of <paramref name="server"/> under <paramref name="connections"/> connections.</summary>
    /// <param name="peers">The compiled C peers (the load generator).</param>
    /// <param name="server">The server to start.</param>
    /// <param name="connections">Concurrent connections.</param>
    /// <param name="warmup">Unmeasured seconds first.</param>
    /// <param name="seconds">Measured seconds.</param>
    /// <param name="serverCpus">The taskset CPU list of the server.</param>
    /// <param name="loadCore">The core of the load generator.</param>
    public static EchoResult Measure(PeerBuild peers, EchoServer server, int connections, double warmup, double seconds, string serverCpus = "0", int loadCore = 1)
    {
        using ChildProcess process = StartServer(server, out int port, serverCpus);
        Dictionary<string, string> fields = RunLoadGenerator(peers, port, connections, warmup, seconds, process.Id, loadCore);
        return new EchoResult(
            server.Name,
            connections,
            Number(fields, "rtps"),
            Number(fields, "p50_us"),
            Number(fields, "p99_us"),
            (long)Number(fields, "errors"),
            Number(fields, "server_cpu_us_per_rt"));
    }

    /// <summary>
    /// <see cref="Measure"/> <paramref name="repetitions"/> times and the median of each figure on its own, so one slow
    /// window (a neighbour's burst) does not decide; a failed run becomes a line in <paramref name="notes"/>.
    /// </summary>
    /// <returns>The medians, or null when every run failed.</returns>
    public static EchoResult? MeasureMedian(PeerBuild peers, EchoServer server, int connections, double warmup, double seconds, int repetitions, List<string> notes, string serverCpus = "0", int loadCore = 1)
    {
        var runs = new List<EchoResult>();
        for (int i = 0; i < repetitions; i++)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"echo: {server.Name}, {connections} connections, run {i + 1}"));
            try
            {
                runs.Add(Measure(peers, server, connections, warmup, seconds, serverCpus, loadCore));
            }
            catch (InvalidOperationException e)
            {
                notes.Add($"{server.Name} at {connections} connections: {e.Message}");
            }
        }

        return runs.Count == 0
            ? null
            : new EchoResult(
                server.Name,
                connections,
                Median(runs.Select(r => r.RoundTripsPerSecond)),
                Median(runs.Select(r => r.P50Us)),
                Median(runs.Select(r => r.P99Us)),
                runs.Sum(r => r.Errors),
                Median(runs.Select(r => r.ServerCpuUsPerRoundTrip)));
    }

    /// <summary>
    /// Starts the server pinned to <paramref name="cpus"/> (a taskset list; core 0 by default, null for any core) and
    /// reads its port from its first line ("listening on 127.0.0.1:PORT").
    /// </summary>
    public static ChildProcess StartServer(EchoServer server, out int port, string? cpus = "0")
    {
        ChildProcess process = ChildProcess.StartOnCpus(server.Environment, cpus, server.File, server.Args);
        string? line = process.ReadLine(TimeSpan.FromSeconds(30));
        Match match = line is null ? Match.Empty : PortPattern().Match(line);
        if (!match.Success)
        {
            process.Dispose();
            throw new InvalidOperationException($"{server.Name} did not say where it listens (got '{line}')");
        }

        port = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return process;
    }

    /// <summary>Runs peers/loadgen.c on <paramref name="core"/> (core 1) and returns its key=value fields.</summary>
    public static Dictionary<string, string> RunLoadGenerator(PeerBuild peers, int port, int connections, double warmup, double seconds, int serverPid, int core = 1)
    {
        string F(double d) => d.ToString(CultureInfo.InvariantCulture);
        using ChildProcess load = ChildProcess.Start(
            core,
            peers.Binary("loadgen"),
            port.ToString(CultureInfo.InvariantCulture),
            connections.ToString(CultureInfo.InvariantCulture),
            MessageSize.ToString(CultureInfo.InvariantCulture),
            F(seconds),
            F(warmup),
            serverPid.ToString(CultureInfo.InvariantCulture));
        string? line = load.ReadLine(TimeSpan.FromSeconds(warmup + seconds + 60));
        load.WaitForExit(TimeSpan.FromSeconds(10));
        var fields = new Dictionary<string, string>();
        foreach (string pair in (line ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            if (kv.Length == 2)
            {
                fields[kv[0]] = kv[1];
            }
        }

        if (!fields.ContainsKey("rtps"))
        {
            throw new InvalidOperationException($"load generator failed at {connections} connections (got '{line}')");
        }

        return fields;
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double Number(Dictionary<string, string> fields, string name) =>
        double.Parse(fields[name], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"listening on [0-9.]+:(\d+)")]
    private static partial Regex PortPattern();
}
