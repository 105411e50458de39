using System.Collections.Generic;
using System.Globalization;

using static System.FormattableString;

namespace Selectors.Benchmarks.Soak;

/// <summary>
/// The soak's verdict and its one <c>soak:</c> line (key=value pairs, for scripts and the CI test). It passes when no
/// byte was lost or corrupted and no connection dropped, in the warm-up or the measured round; when the echo server's
/// descriptors after the round are at most 5% above what they were before it, its managed heap's live size (after an
/// induced full collection) at most 5% or <see cref="ManagedHeapSlackBytes"/> above, and its resident memory at most 5%
/// or <see cref="ResidentSlackKiB"/> above; and when the server then stops cleanly on SIGTERM.
/// </summary>
internal sealed class SoakReport
{
    /// <summary>How far above "before" the descriptors and resident memory may end: 5%.</summary>
    public const double Tolerance = 1.05;

    /// <summary>
    /// Resident memory may also end this much above "before", whatever the ratio: the GC keeps regions it freed, by an
    /// amount not proportional to the connections served that moves with the machine's load (measured: 2–4 MiB on a
    /// quiet machine, 9.2 MiB once in a CI run after other heavy tests, while the managed heap's live size fell). The
    /// managed heap check is the precise one; this guards native memory, and a leak of a few KiB per connection still
    /// crosses it in a long soak.
    /// </summary>
    public const long ResidentSlackKiB = 16 * 1024;

    /// <summary>
    /// The managed heap after a full collection (its live objects) may end this much above "before", whatever the
    /// ratio: the loop's and the runtime's own caches settle in the first rounds. A leak of a few hundred bytes per
    /// connection crosses it within one round of a thousand connections.
    /// </summary>
    public const long ManagedHeapSlackBytes = 1024 * 1024;

    /// <summary>The options of the run.</summary>
    public required SoakOptions Options { get; init; }

    /// <summary>The warm-up round.</summary>
    public required SoakTally Warmup { get; init; }

    /// <summary>The measured round.</summary>
    public required SoakTally Round { get; init; }

    /// <summary>The server after the warm-up round closed and settled.</summary>
    public required ServerFootprint Before { get; init; }

    /// <summary>The server after the measured round closed and settled.</summary>
    public required ServerFootprint After { get; init; }

    /// <summary>The measured round's length, drain included.</summary>
    public required double ElapsedSeconds { get; init; }

    /// <summary>The server's exit code after SIGTERM, or null when it had to be killed.</summary>
    public required int? ServerExitCode { get; init; }

    /// <summary>After over before, for descriptors.</summary>
    public double DescriptorRatio => (double)After.Descriptors / Before.Descriptors;

    /// <summary>After over before, for resident memory.</summary>
    public double ResidentRatio => (double)After.ResidentKiB / Before.ResidentKiB;

    /// <summary>Whether the managed heap's live size grew past 5% and <see cref="ManagedHeapSlackBytes"/>; false when either size is unknown.</summary>
    public bool ManagedHeapGrew =>
        Before.ManagedHeapBytes is { } before && After.ManagedHeapBytes is { } after
        && after > before * Tolerance && after - before > ManagedHeapSlackBytes;

    /// <summary>The criteria that failed; empty when the soak passed.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            var failures = new List<string>();
            void Check(bool ok, string name)
            {
                if (!ok)
                {
                    failures.Add(name);
                }
            }

            Check(Round.RoundTrips > 0, "no_round_trips");
            Check(Warmup.Dropped + Round.Dropped == 0, "dropped");
            Check(Warmup.BytesLost + Round.BytesLost == 0, "lost");
            Check(Warmup.BytesCorrupted + Round.BytesCorrupted == 0, "corrupted");
            Check(Round.Completed == Round.Opened && Round.BytesEchoed == Round.BytesSent, "unfinished");
            Check(DescriptorRatio <= Tolerance, "descriptors");
            Check(ResidentRatio <= Tolerance || After.ResidentKiB - Before.ResidentKiB <= ResidentSlackKiB, "resident_memory");
            Check(!ManagedHeapGrew, "managed_heap");
            Check(ServerExitCode == 0, "server_exit");
            return failures;
        }
    }

    /// <summary>The one line starting with <c>soak:</c>.</summary>
    public string SummaryLine()
    {
        IReadOnlyList<string> failures = Failures;
        return Invariant($"soak: {(failures.Count == 0 ? "PASS" : "FAIL")} backend={Options.Backend} connections={Options.Connections} ")
            + Invariant($"seconds={Options.Seconds:0.###} warmup_seconds={Options.WarmupSeconds:0.###} seed={Options.Seed} ")
            + Invariant($"ramp_s={Round.RampSeconds:0.0} min_open={Round.MinOpen} ")
            + Invariant($"opened={Round.Opened} completed={Round.Completed} dropped={Round.Dropped + Warmup.Dropped} ")
            + Invariant($"round_trips={Round.RoundTrips} bytes_sent={Round.BytesSent} bytes_echoed={Round.BytesEchoed} ")
            + Invariant($"bytes_lost={Round.BytesLost + Warmup.BytesLost} bytes_corrupted={Round.BytesCorrupted + Warmup.BytesCorrupted} ")
            + Invariant($"fd_before={Before.Descriptors} fd_after={After.Descriptors} fd_ratio={DescriptorRatio:0.000} ")
            + Invariant($"rss_before_kib={Before.ResidentKiB} rss_after_kib={After.ResidentKiB} rss_ratio={ResidentRatio:0.000} ")
            + Invariant($"heap_before_bytes={Before.ManagedHeapBytes?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} heap_after_bytes={After.ManagedHeapBytes?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} ")
            + Invariant($"server_exit={(ServerExitCode is int code ? code.ToString(CultureInfo.InvariantCulture) : "killed")} ")
            + Invariant($"elapsed_s={ElapsedSeconds:0.0}")
            + (failures.Count == 0 ? string.Empty : Invariant($" failed={string.Join(',', failures)}"));
    }

    /// <summary>One human-readable line about a round.</summary>
    public static string Describe(string name, SoakTally tally, double seconds) =>
        Invariant($"{name}: ramp {tally.RampSeconds:0.0} s, then {seconds:0.0} s with at least {tally.MinOpen} open; {tally.Opened} connections opened, {tally.Completed} completed, {tally.Dropped} dropped, ")
        + Invariant($"{tally.RoundTrips} round trips ({tally.RoundTrips / seconds:0}/s), {tally.BytesSent} bytes sent, ")
        + Invariant($"{tally.BytesEchoed} echoed ({tally.BytesEchoed / seconds / (1 << 20):0.0} MiB/s), {tally.BytesLost} lost, ")
        + Invariant($"{tally.BytesCorrupted} corrupted")
        + (tally.DropReasons.Count == 0 ? string.Empty : Invariant($"; first drops: {string.Join("; ", tally.DropReasons)}"));
}
