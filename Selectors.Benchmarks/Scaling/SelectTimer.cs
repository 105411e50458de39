using System;
using System.Diagnostics;

namespace Selectors.Benchmarks.Scaling;

/// <summary>
/// Times one Select shape: a warm-up, then windows of calls, each bounded by a count and by time, and the mean of the
/// least disturbed window. Wall time (<see cref="Stopwatch"/>), not the thread's CPU time: under Wine the work of a
/// select or an AFD poll is done partly by wineserver, another process, and a thread clock would not see it.
/// </summary>
internal static class SelectTimer
{
    // The clock is read per batch, not per call: at N = 10 a Select on Linux is a few hundred nanoseconds.
    private const int Batch = 8;
    private const long MaxCalls = 10_000_000;

    /// <summary>One shape at one size: the mean of the fastest window and how many calls it made.</summary>
    /// <param name="MicrosecondsPerCall">Mean wall time of one call in the least disturbed window.</param>
    /// <param name="Calls">Calls in that window.</param>
    public readonly record struct Timing(double MicrosecondsPerCall, long Calls);

    /// <summary>
    /// Warms <paramref name="select"/> up for <paramref name="warmupSeconds"/>, then times <paramref name="windows"/>
    /// windows of <paramref name="windowSeconds"/>. Every call must report <paramref name="expected"/> ready sockets.
    /// </summary>
    /// <exception cref="InvalidOperationException">A call reported another number: the fixture or the backend is wrong.</exception>
    public static Timing Measure(Func<int> select, int expected, double warmupSeconds, double windowSeconds, int windows)
    {
        // At least 200 calls, for tiered compilation's counts; then whatever the time allows.
        Run(select, expected, warmupSeconds, minCalls: 200);
        Timing best = new(double.PositiveInfinity, 0);
        for (int w = 0; w < windows; w++)
        {
            long t0 = Stopwatch.GetTimestamp();
            long calls = Run(select, expected, windowSeconds, minCalls: 0);
            double us = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / calls;
            if (us < best.MicrosecondsPerCall)
            {
                best = new Timing(us, calls);
            }
        }

        return best;
    }

    private static long Run(Func<int> select, int expected, double seconds, long minCalls)
    {
        long end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        long calls = 0, seen = 0;
        do
        {
            for (int i = 0; i < Batch; i++)
            {
                seen += select();
            }

            calls += Batch;
        }
        while ((calls < minCalls || Stopwatch.GetTimestamp() < end) && calls < MaxCalls);

        // Summed rather than checked per call, so the check costs nothing inside the loop.
        if (seen != calls * expected)
        {
            throw new InvalidOperationException($"{calls} calls reported {seen} ready sockets, {(double)seen / calls:0.##} a call; expected {expected}");
        }

        return calls;
    }
}
