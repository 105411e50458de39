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
    public const string PlotFile = "benchmarks-select-cost.png";

    /// <summary>Everything after this line in docs/benchmarks.md is written by hand and carried over by each run.</summary>
    public const string AnalysisMarker = "<!-- analysis below: written by hand, kept by compare -->";

    /// <summary>The hand-written part of the previous docs/benchmarks.md, from the marker on; empty if there is none.</summary>
    public static string KeptAnalysis(string previous)
    {
        int start = previous.IndexOf(AnalysisMarker, StringComparison.Ordinal);
        return start < 0 ? string.Empty : previous[start..];
    }

    public static string Markdown(CompareResults r)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks");
        md.AppendLine();
        md.AppendLine(Invariant($"Measured {r.StartedUtc:yyyy-MM-dd HH:mm} UTC by `{r.Command}` ({(r.Quick ? "quick: short windows, expect noise" : "full run")}, {r.Duration.TotalSeconds:0} s), in one run on one machine. Ratios are against C epoll at the same N or connection count; for times and CPU lower is better, for round trips/s higher is better."));
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
        md.AppendLine("## Targets (issue 7)");
        md.AppendLine();
        md.AppendLine("| target | goal | measured | |");
        md.AppendLine("|---|---|---|---|");
        foreach (int n in new[] { 1000, 10000 })
        {
            Target(md, Invariant($"EpollSelector zero-allocation Select, N = {n:N0}"), "≤ 1.15× C epoll_wait", r.Ns(EpollSpan, n) / r.Ns(CEpoll, n), 1.15, lowerIsBetter: true);
            Target(md, Invariant($"EpollSelector list Select, N = {n:N0}"), "≤ 1.3× C epoll_wait", r.Ns(EpollList, n) / r.Ns(CEpoll, n), 1.3, lowerIsBetter: true);
        }

        double cGrowth = r.Ns(CEpoll, 10000) / r.Ns(CEpoll, 10);
        double ourGrowth = r.Ns(EpollSpan, 10000) / r.Ns(EpollSpan, 10);
        Target(md, Invariant($"growth N = 10 → 10,000 (ours {ourGrowth:0.00}×, C {cGrowth:0.00}×)"), "≤ 1.1× C's growth", ourGrowth / cGrowth, 1.1, lowerIsBetter: true);

        foreach (int c in new[] { 64, 1000 })
        {
            EchoResult? ours = Find(r, EchoServer.Ours, c);
            EchoResult? cEpoll = Find(r, EchoServer.CEpoll, c);
            EchoResult? dotnet = Find(r, EchoServer.DotnetAsync, c);
            EchoResult? python = Find(r, EchoServer.CPython, c);
            Target(md, Invariant($"echo server CPU per round trip, {c:N0} connections"), "≤ 1.1× C epoll", ours?.ServerCpuUsPerRoundTrip / cEpoll?.ServerCpuUsPerRoundTrip, 1.1, lowerIsBetter: true);
            Target(md, Invariant($"echo round trips/s vs C epoll, {c:N0} connections"), "≥ 0.95×", ours?.RoundTripsPerSecond / cEpoll?.RoundTripsPerSecond, 0.95, lowerIsBetter: false);
            Target(md, Invariant($"echo round trips/s vs .NET async, {c:N0} connections"), "≥ 2×", ours?.RoundTripsPerSecond / dotnet?.RoundTripsPerSecond, 2, lowerIsBetter: false);
            Target(md, Invariant($"echo round trips/s vs CPython, {c:N0} connections"), "≥ 1.15×", ours?.RoundTripsPerSecond / python?.RoundTripsPerSecond, 1.15, lowerIsBetter: false);
        }

        Target(md, "Register+Unregister on epoll", "≤ 1.2× C epoll_ctl ADD+DEL", r.Ns(RegisterPair, 0) / r.Ns(CCtlPair, 0), 1.2, lowerIsBetter: true);
        string bytes = Invariant($"{r.AllocatedBytesPerRegistration:0} B allocated, {r.RetainedBytesPerRegistration:0} B retained");
        string met = double.IsNaN(r.AllocatedBytesPerRegistration) ? "?" : r.AllocatedBytesPerRegistration <= 200 ? "met" : "**missed**";
        md.AppendLine($"| managed bytes per registration (EpollSelector, Socket) | ≤ 200 B | {bytes} | {met} |");
        md.AppendLine();
    }

    private static void Target(StringBuilder md, string name, string goal, double? ratio, double limit, bool lowerIsBetter)
    {
        string verdict = ratio is not double v || double.IsNaN(v) ? "not measured"
            : (lowerIsBetter ? v <= limit : v >= limit) ? "met"
            : "**missed**";
        md.AppendLine(Invariant($"| {name} | {goal} | {(ratio is double x ? x.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "?")} | {verdict} |"));
    }

    private static void SelectCost(StringBuilder md, CompareResults r)
    {
        md.AppendLine("## Select cost per call");
        md.AppendLine();
        md.AppendLine(Invariant($"µs of the calling thread's CPU time per call (the fastest of {r.MicroRounds} interleaved round(s)), N registered descriptors of which 10 are ready, timeout 0, every process or thread on core 0; in brackets the ratio to C epoll_wait at the same N. Growth is the cost at the largest N over the cost at N = 10. Bytes: managed bytes allocated per call. select is measured up to N = 1,000 only."));
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
        md.AppendLine(Invariant($"Managed memory per registration (EpollSelector, 1,000 sockets registered): {r.AllocatedBytesPerRegistration:0} bytes allocated per Register, {r.RetainedBytesPerRegistration:0} bytes still held after a full collection (the key, its map entry, the dictionary's growth)."));
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
