using System;
using System.Globalization;
using Selectors.Benchmarks.Micro;

namespace Selectors.Benchmarks.Compare;

/// <summary>Runs peers/micro.c and peers/micro.py (one process per figure, as a C or Python user would) and parses "BACKEND N K ns calls".</summary>
internal static class PeerMicro
{
    public static MicroResult C(PeerBuild peers, string backend, string target, int n, double seconds) =>
        Run(target, n, seconds, peers.Binary("micro"), backend, n.ToString(CultureInfo.InvariantCulture), Ready(n), Seconds(seconds));

    public static MicroResult Python(string backend, string target, int n, double seconds) =>
        Run(target, n, seconds, "python3", PeerBuild.PythonScript("micro.py"), backend, n.ToString(CultureInfo.InvariantCulture), Ready(n), Seconds(seconds));

    private static string Ready(int n) => Math.Min(DotnetMicro.Ready, n).ToString(CultureInfo.InvariantCulture);

    private static string Seconds(double s) => s.ToString(CultureInfo.InvariantCulture);

    private static MicroResult Run(string target, int n, double seconds, string file, params string[] args)
    {
        // The microbenchmarks run on the server's core, away from nothing else we start.
        using ChildProcess child = ChildProcess.Start(0, file, args);
        string? line = child.ReadLine(TimeSpan.FromSeconds(60 + (seconds * 20)));
        child.WaitForExit(TimeSpan.FromSeconds(10));
        string[] fields = line?.Split(' ') ?? [];
        if (fields.Length < 4)
        {
            throw new InvalidOperationException($"{target} N={n}: unexpected output '{line}'");
        }

        return new MicroResult(target, n, double.Parse(fields[3], CultureInfo.InvariantCulture), double.NaN);
    }
}
