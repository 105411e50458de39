using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Selectors.Benchmarks.Compare;

/// <summary>
/// <c>compare --loops [--quick]</c>: the echo example with <c>--loops 1</c> to <c>--loops N</c> (N = the processor count)
/// under the same load generator as the echo table of <c>compare</c>; round trips/s and server CPU per round trip for
/// each loop count, and their ratios to one loop. A full run merges its section into docs/benchmarks.md (see
/// <see cref="LoopsReport"/>) and draws docs/benchmarks-loops-scaling.png; --quick writes beside the BenchmarkDotNet
/// artifacts instead, as <c>compare --quick</c> does.
/// </summary>
internal static class LoopsScaling
{
    public static int Run(bool quick)
    {
        var started = DateTime.UtcNow;
        int cores = Environment.ProcessorCount;
        int[] connectionCounts = quick ? [64] : [64, 1000];
        double warmup = quick ? 0.3 : 1.5;
        double seconds = quick ? 0.6 : 4.0;
        int repetitions = quick ? 1 : 3;
        // Loop L runs on core L - 1; the load generator takes the last core, which it shares with the last loop once
        // the server has every core (there is no spare one on a 2-core machine).
        int loadCore = cores - 1;
        var results = new List<LoopsResult>();
        var notes = new List<string>();
        using (var peers = new PeerBuild())
        {
            foreach (int connections in connectionCounts)
            {
                for (int loops = 1; loops <= cores; loops++)
                {
                    string cpus = loops == 1 ? "0" : string.Create(CultureInfo.InvariantCulture, $"0-{loops - 1}");
                    var server = new EchoServer(LoopsReport.Label(loops), "dotnet", EchoServer.OursArgs(loops));
                    EchoResult? median = EchoRun.MeasureMedian(peers, server, connections, warmup, seconds, repetitions, notes, cpus, loadCore);
                    if (median is not null)
                    {
                        results.Add(new LoopsResult(loops, cpus, median));
                    }
                }
            }
        }

        var run = new LoopsReport.Run(
            Machine.Describe(),
            "dotnet run -c Release --project Selectors.Benchmarks -- compare --loops" + (quick ? " --quick" : string.Empty),
            quick,
            started,
            DateTime.UtcNow - started,
            seconds,
            repetitions,
            loadCore,
            results,
            notes);
        string section = LoopsReport.Markdown(run);
        Console.Out.WriteLine(section);

        // docs/ holds a full run's figures: a quick run goes beside the BenchmarkDotNet artifacts instead of over them.
        string directory = quick ? Path.Combine(RepoPaths.Docs, "..", "BenchmarkDotNet.Artifacts", "compare-quick") : RepoPaths.Docs;
        Directory.CreateDirectory(directory);
        string path = Path.GetFullPath(Path.Combine(directory, quick ? "benchmarks-loops.md" : "benchmarks.md"));
        string previous = quick || !File.Exists(path) ? string.Empty : File.ReadAllText(path);
        File.WriteAllText(path, LoopsReport.Merge(previous, section));
        LoopsScalingPlot.Save(results, Path.Combine(directory, LoopsReport.PlotFile));
        Console.Error.WriteLine($"wrote {path} and {LoopsReport.PlotFile} in {run.Duration.TotalSeconds:0} s");
        return 0;
    }
}
