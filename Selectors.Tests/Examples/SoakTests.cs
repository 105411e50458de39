using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// The CI-sized soak: the built benchmarks' <c>soak</c> command (docs/reliability.md, section 4) against the <c>echo</c>
/// example, 1,000 connections for 20 s after a 5 s warm-up. The command checks every byte itself; this test asserts its
/// exit code and, from its <c>soak:</c> line, each criterion on its own, so a failure names which one broke.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SoakTests
{
    private const int Connections = 1000;
    private const int Seconds = 20;

    // The run takes about 33 s on a loaded 2-core machine: warm-up, round, two settles with a collection each. The bound
    // leaves room for the command's own drain limit (30 s) to end a stuck round and report it, rather than be killed.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    /// <summary>Half the round: long enough for the server's heap to reach its steady size before "before" is taken.</summary>
    private const int WarmUpSeconds = 10;

    [Test]
    public async Task Echo_example_loses_no_byte_drops_no_connection_and_leaks_nothing_over_a_20_second_soak()
    {
        var (exitCode, stdout, stderr) = await ClientProgram.RunAsync(
            ExampleProcess.DotnetHost(),
            Limit,
            ExampleProcess.BuiltProgram("Selectors.Benchmarks"),
            "soak",
            "--connections",
            Connections.ToString(CultureInfo.InvariantCulture),
            "--seconds",
            Seconds.ToString(CultureInfo.InvariantCulture),
            "--warmup",
            WarmUpSeconds.ToString(CultureInfo.InvariantCulture));
        string transcript = $"stdout:\n{stdout}\nstderr:\n{stderr}";

        string[] summaries = stdout.Split('\n').Where(l => l.StartsWith("soak:", StringComparison.Ordinal)).ToArray();
        summaries.Should().ContainSingle($"the soak prints one summary line; {transcript}");
        Dictionary<string, string> figures = Figures(summaries[0]);
        figures.Should().ContainKey("dropped", $"the soak should have run to its end; {transcript}");

        Number(figures, "round_trips").Should().BeGreaterThan(0, transcript);
        Number(figures, "opened").Should().BeGreaterThanOrEqualTo(Connections, transcript);
        Number(figures, "completed").Should().Be(Number(figures, "opened"), transcript);
        Number(figures, "dropped").Should().Be(0, transcript);
        Number(figures, "bytes_lost").Should().Be(0, transcript);
        Number(figures, "bytes_corrupted").Should().Be(0, transcript);
        Number(figures, "bytes_echoed").Should().Be(Number(figures, "bytes_sent"), transcript);
        Ratio(figures, "fd_ratio").Should().BeLessThanOrEqualTo(1.05, transcript);
        // The leak check proper: the managed heap's live size after a full collection, within 5% or 1 MiB.
        long heapBefore = Number(figures, "heap_before_bytes");
        long heapAfter = Number(figures, "heap_after_bytes");
        (heapAfter <= heapBefore * 1.05 || heapAfter - heapBefore <= 1024 * 1024)
            .Should().BeTrue($"the managed heap's live size must end within 5% or 1 MiB of where it began; {transcript}");
        // And a guard on the rest: VmRSS within 5% or 16 MiB (SoakReport.ResidentSlackKiB): the GC keeps regions it
        // freed, by an amount that moves from round to round with the machine's load, whatever the heap's live size.
        (Ratio(figures, "rss_ratio") <= 1.05 || Number(figures, "rss_after_kib") - Number(figures, "rss_before_kib") <= 16 * 1024)
            .Should().BeTrue($"resident memory must end within 5% or 16 MiB of where it began; {transcript}");
        figures["server_exit"].Should().Be("0", $"the echo example should stop cleanly on SIGTERM; {transcript}");
        exitCode.Should().Be(0, transcript);
    }

    // "soak: PASS key=value key=value ..."
    private static Dictionary<string, string> Figures(string summary) =>
        summary.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1]);

    private static long Number(Dictionary<string, string> figures, string name) =>
        long.Parse(figures[name], CultureInfo.InvariantCulture);

    private static double Ratio(Dictionary<string, string> figures, string name) =>
        double.Parse(figures[name], CultureInfo.InvariantCulture);
}
