using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace Selectors.Examples;

/// <summary>What one run of <see cref="LoadClient"/> measured against one server.</summary>
/// <param name="RoundTrips">Completed round trips (send the message, receive it back whole and equal).</param>
/// <param name="Seconds">How long the measurement ran.</param>
/// <param name="P50Microseconds">The median round-trip latency.</param>
/// <param name="P99Microseconds">The 99th-percentile round-trip latency.</param>
/// <param name="Errors">Connections that failed (refused, reset, timed out) or got back something else.</param>
internal sealed record LoadResult(long RoundTrips, double Seconds, double P50Microseconds, double P99Microseconds, int Errors)
{
    /// <summary>Round trips per second.</summary>
    public double Throughput => Seconds > 0 ? RoundTrips / Seconds : 0;

    /// <summary>Summarizes the latencies (in <see cref="Stopwatch"/> ticks) of every round trip.</summary>
    public static LoadResult From(List<long> latencyTicks, double seconds, int errors)
    {
        latencyTicks.Sort();
        return new LoadResult(latencyTicks.Count, seconds, Percentile(latencyTicks, 0.50), Percentile(latencyTicks, 0.99), errors);
    }

    private static double Percentile(List<long> sorted, double fraction)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        // Nearest rank: the smallest value with at least this fraction of the samples at or below it.
        int rank = (int)Math.Ceiling(fraction * sorted.Count);
        return sorted[Math.Max(rank, 1) - 1] * 1_000_000.0 / Stopwatch.Frequency;
    }
}
