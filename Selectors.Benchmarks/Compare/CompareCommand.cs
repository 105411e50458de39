using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Selectors.Benchmarks.Micro;
using static Selectors.Benchmarks.Micro.MicroTargets;

namespace Selectors.Benchmarks.Compare;

/// <summary>
/// <c>compare [--quick]</c>: every microbenchmark and every echo server in one run, tables of ratios against C epoll on
/// the console and in docs/benchmarks.md, and the select-cost plot. --quick takes about a minute. <c>compare --loops</c>
/// measures only the echo example's scaling from 1 to N loops (<see cref="LoopsScaling"/>).
/// </summary>
internal static class CompareCommand
{
    private static readonly int[] Sizes = [10, 100, 1000, 10000];
    private static readonly int[] Connections = [1, 64, 1000];

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        if (args.Contains("--loops"))
        {
            return LoopsScaling.Run(quick);
        }

        bool noStrace = args.Contains("--no-strace");
        var started = DateTime.UtcNow;
        var results = new CompareResults
        {
            Machine = Machine.Describe(),
            Command = "dotnet run -c Release --project Selectors.Benchmarks -- compare" + (quick ? " --quick" : string.Empty),
            Quick = quick,
            StartedUtc = started,
            Sizes = Sizes,
        };

        // Quick: short windows, one repetition. Full: long enough that a window rarely catches only a neighbour's burst.
        double microSeconds = quick ? 0.08 : 0.5;
        double echoWarmup = quick ? 0.3 : 1.5;
        results.EchoSeconds = quick ? 0.6 : 4.0;
        results.EchoRepetitions = quick ? 1 : 3;
        results.MicroRounds = quick ? 1 : 3;

        int[] sizes = Sizes;
        if (results.Machine.OpenFileLimit is > 0 and < 10100)
        {
            sizes = Sizes.Where(n => n < 10000).ToArray();
            results.Notes.Add(Invariant($"N = 10,000 skipped: the open-file limit is {results.Machine.OpenFileLimit}; run `ulimit -n 20000` first."));
        }

        using var peers = new PeerBuild();
        Console.Error.WriteLine($"peers built in {peers.Folder}");
        MeasureMicro(results, peers, sizes, microSeconds);
        MeasureEcho(results, peers, echoWarmup);
        if (quick)
        {
            results.Notes.Add("System calls not counted: --quick skips strace (the full run counts them).");
        }
        else if (!noStrace && SyscallCount.Available)
        {
            MeasureSyscalls(results, peers, quick ? 1.0 : 3.0);
        }
        else
        {
            results.Notes.Add("System calls not counted: strace is not installed (apt-get install strace).");
        }

        results.Duration = DateTime.UtcNow - started;
        string markdown = Report.Markdown(results);
        Console.Out.WriteLine(markdown);
        // docs/ holds a full run's figures: a quick run goes beside the BenchmarkDotNet artifacts instead of over them.
        string directory = quick ? Path.Combine(RepoPaths.Docs, "..", "BenchmarkDotNet.Artifacts", "compare-quick") : RepoPaths.Docs;
        Directory.CreateDirectory(directory);
        string path = Path.GetFullPath(Path.Combine(directory, "benchmarks.md"));
        string kept = Path.Combine(RepoPaths.Docs, "benchmarks.md");
        File.WriteAllText(path, markdown + Report.KeptAnalysis(File.Exists(kept) ? File.ReadAllText(kept) : string.Empty));
        SelectCostPlot.Save(results, Path.Combine(directory, Report.PlotFile));
        Console.Error.WriteLine($"wrote {path} and {Report.PlotFile} in {results.Duration.TotalSeconds:0} s");
        return 0;
    }

    private static void MeasureMicro(CompareResults results, PeerBuild peers, int[] sizes, double seconds)
    {
        // The .NET figures are taken on this thread: pin it where taskset pins the C and CPython ones.
        if (!CpuAffinity.PinCurrentThread(0))
        {
            results.Notes.Add("The .NET microbenchmarks ran unpinned: sched_setaffinity failed.");
        }

        try
        {
            // Several rounds, each measuring everything once, and the minimum kept: on a shared machine the least
            // disturbed round is the closest to the intrinsic cost, and interleaving spreads a neighbour's burst evenly.
            var rounds = new List<MicroResult>();
            for (int round = 0; round < results.MicroRounds; round++)
            {
                MeasureMicroPinned(rounds, peers, sizes, seconds);
            }

            results.Micro.AddRange(rounds
                .GroupBy(m => (m.Target, m.N))
                .Select(g => g.MinBy(m => m.NsPerCall)!));
        }
        finally
        {
            CpuAffinity.Unpin();
        }

        (results.AllocatedBytesPerRegistration, results.RetainedBytesPerRegistration) = DotnetMicro.BytesPerRegistration(1000);
    }

    private static void MeasureMicroPinned(List<MicroResult> micro, PeerBuild peers, int[] sizes, double seconds)
    {
        foreach (int n in sizes)
        {
            Console.Error.WriteLine(Invariant($"select cost, N = {n}"));
            micro.Add(PeerMicro.C(peers, "epoll", CEpoll, n, seconds));
            micro.Add(PeerMicro.C(peers, "poll", CPoll, n, seconds));
            micro.Add(PeerMicro.Python("epoll", PyEpoll, n, seconds));
            micro.Add(PeerMicro.Python("poll", PyPoll, n, seconds));
            if (n <= 1000)
            {
                micro.Add(PeerMicro.C(peers, "select", CSelect, n, seconds));
                micro.Add(PeerMicro.Python("select", PySelect, n, seconds));
            }

            micro.AddRange(DotnetMicro.SelectCosts(n, seconds));
        }

        Console.Error.WriteLine("register+unregister");
        micro.Add(PeerMicro.C(peers, "epoll_ctl_pair", CCtlPair, 0, seconds) with { N = 0 });
        micro.Add(PeerMicro.Python("register_pair", PyRegisterPair, 0, seconds) with { N = 0 });
        micro.AddRange(DotnetMicro.RegistrationCosts(seconds));
    }

    private static void MeasureEcho(CompareResults results, PeerBuild peers, double warmup)
    {
        foreach (int connections in Connections)
        {
            foreach (EchoServer server in EchoServer.All(peers))
            {
                EchoResult? median = EchoRun.MeasureMedian(peers, server, connections, warmup, results.EchoSeconds, results.EchoRepetitions, results.Notes);
                if (median is not null)
                {
                    results.Echo.Add(median);
                }
            }
        }
    }

    private static void MeasureSyscalls(CompareResults results, PeerBuild peers, double seconds)
    {
        results.SyscallConnections = 64;
        foreach (EchoServer server in EchoServer.All(peers).Where(s => s.Name is EchoServer.CEpoll or EchoServer.Ours or EchoServer.CPython))
        {
            Console.Error.WriteLine($"strace: {server.Name}");
            try
            {
                results.Syscalls[server.Name] = SyscallCount.PerRoundTrip(peers, server, results.SyscallConnections, seconds);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or KeyNotFoundException)
            {
                results.Notes.Add($"strace of {server.Name} failed: {e.Message}");
            }
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
