using System;

namespace Selectors.Benchmarks.Micro;

/// <summary>
/// Times an operation as peers/micro.c does: batches of 64 calls until the wanted CPU time is spent, the clock read per
/// batch only. Allocation per call comes from <see cref="GC.GetAllocatedBytesForCurrentThread"/>, which is exact.
/// </summary>
internal static class MicroTimer
{
    private const int Batch = 64;
    private static long _sink;

    /// <summary>Warms up for <paramref name="warmupSeconds"/>, then measures for <paramref name="seconds"/> of CPU time.</summary>
    /// <remarks>
    /// The warm-up must outlast tiered compilation: a method runs unoptimised, then instrumented (PGO), and is promoted
    /// only after 30 calls and a 100 ms quiet period each time; profiles showed Interop.EpollWait and EpollEngine.Wait
    /// still QuickJitted after a 50 ms warm-up.
    /// </remarks>
    public static (double NsPerCall, double BytesPerCall) Measure(Func<int> operation, double seconds, double warmupSeconds)
    {
        long warmEnd = ThreadCpuClock.NowNs() + (long)(warmupSeconds * 1e9);
        for (int i = 0; i < 10_000_000 && (i < 200 || ThreadCpuClock.NowNs() < warmEnd); i++)
        {
            _sink += operation();
        }

        long calls = 0;
        long bytes0 = GC.GetAllocatedBytesForCurrentThread();
        long t0 = ThreadCpuClock.NowNs();
        long end = t0 + (long)(seconds * 1e9);
        long t = t0;
        while (t < end && calls < 1_000_000_000)
        {
            for (int i = 0; i < Batch; i++)
            {
                _sink += operation();
            }

            calls += Batch;
            t = ThreadCpuClock.NowNs();
        }

        long bytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
        return ((double)(t - t0) / calls, (double)bytes / calls);
    }
}
