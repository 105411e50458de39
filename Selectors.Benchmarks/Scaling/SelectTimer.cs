using System;
using System.Diagnostics;

namespace Selectors.Benchmarks.Scaling;

/// <summary>
/// Times one Select shape in windows of calls, each bounded by a count and by time. Wall time (<see cref="Stopwatch"/>),
/// not the thread's CPU time: under Wine the work of a select or an AFD poll is done partly by wineserver, another
/// process, and a thread clock would not see it.
/// </summary>
internal static class SelectTimer
{
    // The clock is read per batch, not per call: at N = 10 a Select on Linux takes about 2 µs.
    private const int Batch = 8;
    private const long MaxCalls = 10_000_000;

    /// <summary>Calls <paramref name="select"/> for <paramref name="seconds"/> (at least one batch) and returns the mean.</summary>
    /// <param name="select">One Select; returns how many sockets it reported.</param>
    /// <param name="expected">What every call must report.</param>
    /// <param name="seconds">The window's length; the last batch may overrun it.</param>
    /// <exception cref="InvalidOperationException">A call reported another number: the fixture or the backend is wrong.</exception>
    public static Timing Window(Func<int> select, int expected, double seconds)
    {
        long t0 = Stopwatch.GetTimestamp();
        long end = t0 + (long)(seconds * Stopwatch.Frequency);
        long calls = 0, seen = 0;
        do
        {
            for (int i = 0; i < Batch; i++)
            {
                seen += select();
            }

            calls += Batch;
        }
        while (Stopwatch.GetTimestamp() < end && calls < MaxCalls);

        double microseconds = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        // Summed rather than checked per call, so the check costs nothing inside the loop.
        if (seen != calls * expected)
        {
            throw new InvalidOperationException($"{calls} calls reported {seen} ready sockets, {(double)seen / calls:0.##} a call; expected {expected}");
        }

        return new Timing(microseconds / calls, calls);
    }

    /// <summary>A window's mean and how many calls it made.</summary>
    /// <param name="MicrosecondsPerCall">Mean wall time of one call.</param>
    /// <param name="Calls">Calls in the window.</param>
    public readonly record struct Timing(double MicrosecondsPerCall, long Calls)
    {
        /// <summary>No window yet: slower than any.</summary>
        public static Timing None { get; } = new(double.PositiveInfinity, 0);

        /// <summary>The faster of two windows: the less disturbed one, on a machine shared with other work.</summary>
        public static Timing Faster(Timing a, Timing b) => a.MicrosecondsPerCall <= b.MicrosecondsPerCall ? a : b;
    }
}
