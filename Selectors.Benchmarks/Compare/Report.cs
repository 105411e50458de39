using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Selectors.Benchmarks.Micro;
using static Selectors.Benchmarks.Micro.MicroTargets;

namespace Selectors.Benchmarks.Compare;

/// <summary>Turns a <see cref="CompareResults"/> into the markdown of docs/benchmarks.md (also printed to the console).</summary>
internal static class Report
{
    /// <summary>The select-cost plot's file name, beside the markdown.</summary>
    public const string PlotFile = "benchmarks-select-cost.png";

    /// <summary>Everything after this line in docs/benchmarks.md is written by hand and carried over by each run.</summary>
    public const string AnalysisMarker = "<!-- analysis below: written by hand, kept by compare -->";

    /// <summary>Issue 12's goal for the managed bytes one EpollSelector.Register allocates.</summary>
    private const int MaxAllocatedBytesPerRegistration = 150;

    /// <summary>The N at which issue 12 sets the EpollSelector Select targets.</summary>
    private static readonly int[] EpollTargetSizes = [10, 1000, 10000];

    /// <summary>The connection counts at which issue 12 sets the echo targets.</summary>
    private static readonly int[] EchoTargetConnections = [64, 1000];

    /// <summary>Which side of its limit a ratio must fall on to meet its goal.</summary>
    private enum Bound
    {
        /// <summary>Lower is better (time, CPU): the ratio must not exceed the limit.</summary>
        AtMost,

        /// <summary>Higher is better (round trips/s): the ratio must reach the limit.</summary>
        AtLeast,
    }

    /// <summary>The hand-written part of the previous docs/benchmarks.md, from the marker on; empty if there is none.</summary>
    public static string KeptAnalysis(string previous)
    {
        int start = previous.IndexOf(AnalysisMarker, StringComparison.Ordinal);
        return start < 0 ? string.Empty : previous[start..];
    }

    /// <summary>The generated part of docs/benchmarks.md: machine, targets, and every table of the run.</summary>
    public static string Markdown(CompareResults r)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks");
        md.AppendLine();
        md.AppendLine(Invariant($"Measured {r.StartedUtc:yyyy-MM-dd HH:mm} UTC by `{r.Command}` ({(r.Quick ? "quick: short windows, expect noise" : "full run")}, {r.Duration.TotalSeconds:0} s), in one run on one machine. Ratios are against C in the same run, at the same N or connection count: C epoll unless a row or goal names another C call; for times and CPU lower is better, for round trips/s higher is better."));
        md.AppendLine();
        Machine(md, r);
        Targets(md, r);
        SelectCost(md, r);
        Registration(md, r);
        Echo(md, r);
        Syscalls(md, r);
        if (r.Notes.Count > 0)
        {
            md.AppendLine("## Notes from this run");
            md.AppendLine();
            r.Notes.ForEach(n => md.AppendLine($"- {n}"));
            md.AppendLine();
        }

        return md.ToString();
    }

    private static void Machine(StringBuilder md, CompareResults r)
    {
        Machine m = r.Machine;
        md.AppendLine("## Machine");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        md.AppendLine(Invariant($"| cores (nproc) | {m.Cores} |"));
        md.AppendLine($"| CPU | {m.Cpu} |");
        md.AppendLine($"| kernel | {m.Kernel} |");
        md.AppendLine($"| .NET | {m.Dotnet} |");
        md.AppendLine($"| Python | {m.Python} |");
        md.AppendLine(Invariant($"| open-file limit | {m.OpenFileLimit} |"));
        md.AppendLine($"| load average at start | {m.LoadAverage} |");
        md.AppendLine($"| pinning | {(ChildProcess.Pinning ? "servers and microbenchmarks on core 0, the load generator on core 1 (taskset)" : "none (no taskset)")} |");
        md.AppendLine();
    }

    private static void Targets(StringBuilder md, CompareResults r)
    {
        md.AppendLine("## Targets (issue 12)");
        md.AppendLine();
        md.AppendLine("Every ratio is ours over the reference its goal names, both measured in this run: C, except in the last rows (issue 7's goals against the other servers). A list Select is walked as a user's `foreach` walks it. \"?\" marks a figure this run did not take (--quick may skip N = 10,000 or an echo size).");
        md.AppendLine();
        md.AppendLine("| measure | goal | measured | |");
        md.AppendLine("|---|---|---|---|");
        foreach (int n in EpollTargetSizes)
        {
            SelectTarget(md, r, "EpollSelector Python-shaped Select() list, walked", EpollList, CEpoll, n, 1.15);
        }

        foreach (int n in EpollTargetSizes)
        {
            SelectTarget(md, r, "EpollSelector span Select", EpollSpan, CEpoll, n, 1.10);
        }

        RatioTarget(md, "EpollSelector Register+Unregister", r.Ns(RegisterPair, 0) / r.Ns(CCtlPair, 0), Bound.AtMost, 1.15, CCtlPair);
        SelectTarget(md, r, "PollSelector span Select", PollSpan, CPoll, 10, 1.3);
        SelectTarget(md, r, "PollSelector list Select, walked", PollList, CPoll, 10, 1.3);
        SelectTarget(md, r, "SelectSelector span Select", SelectSpan, CSelect, 10, 1.3);
        SelectTarget(md, r, "SelectSelector list Select, walked", SelectList, CSelect, 10, 1.3);
        foreach (int c in EchoTargetConnections)
        {
            string echo = Invariant($"echo at {c:N0} connections:");
            EchoResult? ours = Find(r, EchoServer.Ours, c);
            EchoResult? reference = Find(r, EchoServer.CEpoll, c);
            RatioTarget(md, $"{echo} round trips/s", EchoRatio(ours, reference, e => e.RoundTripsPerSecond), Bound.AtLeast, 1.0, EchoServer.CEpoll);
            RatioTarget(md, $"{echo} server CPU per round trip", EchoRatio(ours, reference, e => e.ServerCpuUsPerRoundTrip), Bound.AtMost, 1.05, EchoServer.CEpoll);
        }

        double allocated = r.AllocatedBytesPerRegistration;
        TargetRow(
            md,
            "managed memory per registration (EpollSelector, Socket)",
            Invariant($"≤ {MaxAllocatedBytesPerRegistration} B allocated per Register"),
            double.IsNaN(allocated) ? "?" : Invariant($"{allocated:0} B allocated, {r.RetainedBytesPerRegistration:0} B retained"),
            double.IsNaN(allocated) ? null : allocated <= MaxAllocatedBytesPerRegistration);

        // Issue 7's goals against the other managed and interpreted servers, kept for comparison.
        foreach (int c in EchoTargetConnections)
        {
            EchoResult? ours = Find(r, EchoServer.Ours, c);
            foreach ((string other, double limit) in new[] { (EchoServer.DotnetAsync, 2.0), (EchoServer.CPython, 1.15) })
            {
                RatioTarget(md, Invariant($"echo at {c:N0} connections: round trips/s vs {other} (issue 7)"), EchoRatio(ours, Find(r, other, c), e => e.RoundTripsPerSecond), Bound.AtLeast, limit, other);
            }
        }

        md.AppendLine();
    }

    /// <summary>A select-cost target: <paramref name="ours"/> over <paramref name="reference"/> at the same N, at most <paramref name="limit"/>.</summary>
    private static void SelectTarget(StringBuilder md, CompareResults r, string measure, string ours, string reference, int n, double limit) =>
        RatioTarget(md, Invariant($"{measure}, N = {n:N0}"), r.Ns(ours, n) / r.Ns(reference, n), Bound.AtMost, limit, reference);

    /// <summary>A target row for a ratio to C; NaN (a figure not taken) shows as "?".</summary>
    private static void RatioTarget(StringBuilder md, string measure, double ratio, Bound bound, double limit, string reference)
    {
        bool? met = double.IsNaN(ratio) ? null : bound == Bound.AtMost ? ratio <= limit : ratio >= limit;
        string measured = double.IsNaN(ratio) ? "?" : Invariant($"{ratio:0.00}×");
        TargetRow(md, measure, Invariant($"{(bound == Bound.AtMost ? "≤" : "≥")} {limit:0.00}× {reference}"), measured, met);
    }

    /// <summary>One row of the targets table; <paramref name="met"/> is null when the run lacks the figure.</summary>
    private static void TargetRow(StringBuilder md, string measure, string goal, string measured, bool? met)
    {
        string verdict = met switch
        {
            true => "met",
            false => "**missed**",
            null => "?",
        };
        md.AppendLine($"| {measure} | {goal} | {measured} | {verdict} |");
    }

    /// <summary>Our echo server's figure over the reference server's, NaN if either run is missing.</summary>
    private static double EchoRatio(EchoResult? ours, EchoResult? reference, Func<EchoResult, double> figure) =>
        ours is null || reference is null ? double.NaN : figure(ours) / figure(reference);

    private static void SelectCost(StringBuilder md, CompareResults r)
    {
        md.AppendLine("## Select cost per call");
        md.AppendLine();
        md.AppendLine(Invariant($"µs of the calling thread's CPU time per call (the fastest of {r.MicroRounds} interleaved round(s)), N registered descriptors of which 10 are ready, timeout 0, every process or thread on core 0; in brackets the ratio to C epoll_wait at the same N. Growth is the cost at the largest N over the cost at N = 10. The list rows walk the returned list with a `foreach` that reads each key's descriptor, as a user's loop does (C's loops read each ready descriptor too); the span rows leave the buffer unread. Bytes: managed bytes allocated per call. select is measured up to N = 1,000 only."));
        md.AppendLine();
        md.Append("| target |");
        foreach (int n in r.Sizes)
        {
            md.Append(Invariant($" N = {n:N0} |"));
        }

        md.AppendLine(" growth | bytes/call |");
        md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", r.Sizes.Length)) + "---:|---:|");
        foreach (string target in SelectRows)
        {
            List<MicroResult> rows = r.Micro.Where(m => m.Target == target).OrderBy(m => m.N).ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            md.Append($"| {target} |");
            foreach (int n in r.Sizes)
            {
                double ns = r.Ns(target, n);
                md.Append(double.IsNaN(ns) ? " — |" : Invariant($" {ns / 1000:0.00} ({ns / r.Ns(CEpoll, n):0.00}×) |"));
            }

            double growth = rows[^1].NsPerCall / rows[0].NsPerCall;
            double bytes = rows.Max(m => m.BytesPerCall);
            md.AppendLine(Invariant($" {growth:0.00}× | {(double.IsNaN(bytes) ? "—" : bytes.ToString("0", CultureInfo.InvariantCulture))} |"));
        }

        md.AppendLine();
        md.AppendLine($"![select cost per call against N, log-log]({PlotFile})");
        md.AppendLine();
    }

    private static void Registration(StringBuilder md, CompareResults r)
    {
        md.AppendLine("## Register + Unregister");
        md.AppendLine();
        md.AppendLine("One idle UDP socket registered for reading and unregistered again, µs of thread CPU time per pair.");
        md.AppendLine();
        md.AppendLine("| target | µs per pair | vs C | bytes/pair |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (string target in new[] { CCtlPair, RegisterPair, InstanceRegisterPair, PyRegisterPair })
        {
            MicroResult? m = r.Micro.Find(x => x.Target == target);
            if (m is not null)
            {
                md.AppendLine(Invariant($"| {target} | {m.NsPerCall / 1000:0.00} | {m.NsPerCall / r.Ns(CCtlPair, 0):0.00}× | {(double.IsNaN(m.BytesPerCall) ? "—" : m.BytesPerCall.ToString("0", CultureInfo.InvariantCulture))} |"));
            }
        }

        md.AppendLine();
        md.AppendLine(Invariant($"Managed memory per registration (EpollSelector, 1,000 sockets registered): {r.AllocatedBytesPerRegistration:0} bytes allocated per Register, {r.RetainedBytesPerRegistration:0} bytes still held after a full collection (the key and the selector's own record of the registration)."));
        md.AppendLine();
    }

    private static void Echo(StringBuilder md, CompareResults r)
    {
        md.AppendLine("## Echo servers");
        md.AppendLine();
        md.AppendLine(Invariant($"{EchoRun.MessageSize}-byte messages ping-ponged by peers/loadgen.c (one thread, epoll; every echoed byte checked), {r.EchoSeconds:0.#} s measured after a warm-up, median of {r.EchoRepetitions} run(s). Server CPU is its utime+stime over the measured window (all threads) per round trip. On 2 cores the load generator saturates first, so CPU per round trip is the figure that separates fast servers."));
        md.AppendLine();
        foreach (int c in r.Echo.Select(e => e.Connections).Distinct().Order())
        {
            EchoResult? reference = Find(r, EchoServer.CEpoll, c);
            md.AppendLine(Invariant($"### {c:N0} connection{(c == 1 ? string.Empty : "s")}"));
            md.AppendLine();
            md.AppendLine("| server | round trips/s | vs C | server CPU µs/round trip | vs C | p50 µs | p99 µs | errors |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (EchoResult e in r.Echo.Where(e => e.Connections == c))
            {
                md.AppendLine(Invariant($"| {e.Server} | {e.RoundTripsPerSecond:N0} | {e.RoundTripsPerSecond / reference?.RoundTripsPerSecond:0.00}× | {e.ServerCpuUsPerRoundTrip:0.00} | {e.ServerCpuUsPerRoundTrip / reference?.ServerCpuUsPerRoundTrip:0.00}× | {e.P50Us:0} | {e.P99Us:0} | {e.Errors} |"));
            }

            md.AppendLine();
        }
    }

    private static void Syscalls(StringBuilder md, CompareResults r)
    {
        if (r.Syscalls.Count == 0)
        {
            return;
        }

        md.AppendLine("## System calls per round trip");
        md.AppendLine();
        md.AppendLine(Invariant($"`strace -c -f -p PID` on the server (every thread) during a {r.SyscallConnections}-connection load run, calls divided by the round trips completed. A system call costs about 1.4 µs on this VM: this is the floor of CPU per round trip."));
        md.AppendLine();
        List<string> servers = r.Syscalls.Keys.ToList();
        md.AppendLine("| syscall | " + string.Join(" | ", servers) + " |");
        md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", servers.Count)));
        IEnumerable<string> names = r.Syscalls.Values.SelectMany(d => d.Where(p => p.Value >= 0.001).Select(p => p.Key)).Distinct()
            .OrderBy(n => n == "total" ? 1 : 0).ThenByDescending(n => r.Syscalls.Values.Max(d => d.GetValueOrDefault(n)));
        foreach (string name in names)
        {
            md.AppendLine($"| {(name == "total" ? "**total**" : name)} | " + string.Join(" | ", servers.Select(s => Invariant($"{r.Syscalls[s].GetValueOrDefault(name):0.000}"))) + " |");
        }

        md.AppendLine();
    }

    private static EchoResult? Find(CompareResults r, string server, int connections) =>
        r.Echo.Find(e => e.Server == server && e.Connections == connections);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
