namespace Selectors.Benchmarks;

/// <summary>
/// This thread's CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), the clock every microbenchmark here uses, in C,
/// CPython and .NET alike: the machine is shared, and time spent descheduled is not the cost of a call.
/// </summary>
internal static class ThreadCpuClock
{
    /// <summary>Nanoseconds of CPU time this thread has used.</summary>
    public static long NowNs()
    {
        Interop.ClockGetTime(Interop.ClockThreadCpuTimeId, out Interop.Timespec ts);
        return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
    }
}
