using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Selectors.Benchmarks.Compare;

/// <summary>
/// One echo measurement: the server on core 0, the C load generator on core 1, N connections for a warm-up and a
/// measured window; the load generator reads the server's CPU time from /proc itself, at the window's edges.
/// </summary>
internal static partial class EchoRun
{
    public const int MessageSize = 64;

    public static EchoResult Measure(PeerBuild peers, EchoServer server, int connections, double warmup, double seconds)
    {
        using ChildProcess process = StartServer(server, out int port);
        Dictionary<string, string> fields = RunLoadGenerator(peers, port, connections, warmup, seconds, process.Id);
        return new EchoResult(
            server.Name,
            connections,
            Number(fields, "rtps"),
            Number(fields, "p50_us"),
            Number(fields, "p99_us"),
            (long)Number(fields, "errors"),
            Number(fields, "server_cpu_us_per_rt"));
    }

    /// <summary>Starts the server pinned to core 0 and reads its port from its first line ("listening on 127.0.0.1:PORT").</summary>
    public static ChildProcess StartServer(EchoServer server, out int port) => StartServer(server, 0, out port);

    /// <summary>As <see cref="StartServer(EchoServer, out int)"/>, on <paramref name="core"/> (null: any core).</summary>
    public static ChildProcess StartServer(EchoServer server, int? core, out int port)
    {
        ChildProcess process = ChildProcess.StartWithEnvironment(server.Environment, core, server.File, server.Args);
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

    /// <summary>Runs peers/loadgen.c on core 1 and returns its key=value fields.</summary>
    public static Dictionary<string, string> RunLoadGenerator(PeerBuild peers, int port, int connections, double warmup, double seconds, int serverPid)
    {
        string F(double d) => d.ToString(CultureInfo.InvariantCulture);
        using ChildProcess load = ChildProcess.Start(
            1,
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

    private static double Number(Dictionary<string, string> fields, string name) =>
        double.Parse(fields[name], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"listening on [0-9.]+:(\d+)")]
    private static partial Regex PortPattern();
}
