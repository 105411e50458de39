using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Selectors.Benchmarks.Compare;

/// <summary>
/// The "Scaling with --loops" section of docs/benchmarks.md. It lives in the hand-written part (after
/// <see cref="Report.AnalysisMarker"/>), between markers of its own: a full <c>compare</c> carries that part over as it
/// is, and <c>compare --loops</c> replaces only what lies between the markers, so neither run loses the other's figures
/// and the hand-written analysis after the end marker stays.
/// </summary>
internal static class LoopsReport
{
    public const string PlotFile = "benchmarks-loops-scaling.png";

    public const string BeginMarker = "<!-- loops scaling: written by compare --loops, kept by compare -->";

    public const string EndMarker = "<!-- end of loops scaling -->";

    /// <summary>One <c>compare --loops</c> run.</summary>
    public sealed record Run(
        Machine Machine,
        string Command,
        bool Quick,
        DateTime StartedUtc,
        TimeSpan Duration,
        double Seconds,
        int Repetitions,
        int LoadCore,
        IReadOnlyList<LoopsResult> Results,
        IReadOnlyList<string> Notes);

    /// <summary>The name of a loop count in the console progress and the figure.</summary>
    public static string Label(int loops) => string.Create(CultureInfo.InvariantCulture, $"echo --loops {loops}");

    /// <summary>The section, markers included.</summary>
    public static string Markdown(Run r)
    {
        var md = new StringBuilder();
        md.AppendLine(BeginMarker);
        md.AppendLine();
        md.AppendLine("## Scaling with --loops");
        md.AppendLine();
        md.AppendLine(Invariant($"Measured {r.StartedUtc:yyyy-MM-dd HH:mm} UTC by `{r.Command}` ({(r.Quick ? "quick: short windows, expect noise" : "full run")}, {r.Duration.TotalSeconds:0} s) on {r.Machine.Cores} cores ({r.Machine.Cpu}, kernel {r.Machine.Kernel}, {r.Machine.Dotnet}; load average at start {r.Machine.LoadAverage})."));
        md.AppendLine();
        md.AppendLine(Invariant($"The echo example with `--loops L`: L loops, each its own `DefaultSelector`, thread and SO_REUSEPORT listener on one port, the server pinned to cores 0 to L − 1 ({(ChildProcess.Pinning ? "taskset" : "not pinned: no taskset")}). One peers/loadgen.c (a single thread on epoll, every echoed byte checked) on core {r.LoadCore} drives it with {EchoRun.MessageSize}-byte messages, {r.Seconds:0.#} s measured after a warm-up, median of {r.Repetitions} run(s). Server CPU is utime+stime of every thread over the window, per round trip. \"vs 1 loop\" is the ratio to `--loops 1` at the same connection count (higher is better for round trips/s, lower for CPU)."));
        md.AppendLine();
        md.AppendLine(Invariant($"What this can show on {r.Machine.Cores} cores: that the loops share the work (the kernel spreads the connections; the example's `--verbose` prints each loop's count at the stop) and what a second loop costs in CPU per round trip. What it cannot show: clean throughput scaling. With one loop the server has core 0 and the single-threaded load generator has core {r.LoadCore} to itself; with {r.Machine.Cores} loops the server's last loop shares core {r.LoadCore} with the load generator, so round trips/s mixes the second loop's gain with the contention for that core (and with the larger batches each wait returns when client and server take turns on one core), not the server's capacity alone. Clean scaling needs more cores than loops plus load generators."));
        md.AppendLine();
        foreach (int connections in r.Results.Select(x => x.Echo.Connections).Distinct().Order())
        {
            List<LoopsResult> rows = r.Results.Where(x => x.Echo.Connections == connections).OrderBy(x => x.Loops).ToList();
            EchoResult? one = rows.Find(x => x.Loops == 1)?.Echo;
            md.AppendLine(Invariant($"### {connections:N0} connections"));
            md.AppendLine();
            md.AppendLine("| loops | server cores | round trips/s | vs 1 loop | server CPU µs/round trip | vs 1 loop | p50 µs | p99 µs | errors |");
            md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (LoopsResult row in rows)
            {
                EchoResult e = row.Echo;
                md.AppendLine(Invariant($"| {row.Loops} | {row.ServerCpus} | {e.RoundTripsPerSecond:N0} | {e.RoundTripsPerSecond / one?.RoundTripsPerSecond:0.00}× | {e.ServerCpuUsPerRoundTrip:0.00} | {e.ServerCpuUsPerRoundTrip / one?.ServerCpuUsPerRoundTrip:0.00}× | {e.P50Us:0} | {e.P99Us:0} | {e.Errors} |"));
            }

            md.AppendLine();
        }

        md.AppendLine($"![round trips/s and CPU per round trip against loops, as ratios to one loop]({PlotFile})");
        md.AppendLine();
        foreach (string note in r.Notes)
        {
            md.AppendLine($"- {note}");
        }

        md.AppendLine(EndMarker);
        return md.ToString();
    }

    /// <summary>
    /// <paramref name="previous"/> (docs/benchmarks.md) with <paramref name="section"/> in place of the old one; without
    /// an old one, at the end, after the analysis marker (added if missing), where a full compare keeps it.
    /// </summary>
    public static string Merge(string previous, string section)
    {
        int begin = previous.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = begin < 0 ? -1 : previous.IndexOf(EndMarker, begin, StringComparison.Ordinal);
        if (begin >= 0 && end >= 0)
        {
            string after = previous[(end + EndMarker.Length)..].TrimStart('\r', '\n');
            return previous[..begin] + section + (after.Length > 0 ? "\n" + after : string.Empty);
        }

        string start = previous.Length == 0 || previous.Contains(Report.AnalysisMarker, StringComparison.Ordinal)
            ? previous
            : previous.TrimEnd() + "\n\n" + Report.AnalysisMarker + "\n";
        return start.Length == 0 ? section : start.TrimEnd() + "\n\n" + section;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
