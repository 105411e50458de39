using System.Runtime.InteropServices;

namespace Selectors.Benchmarks;

/// <summary>
/// This thread's CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), the clock every microbenchmark here uses, in C,
/// CPython and .NET alike: the machine is shared, and time spent descheduled is not the cost of a call.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Nanoseconds of CPU time this thread has used.</summary>
    public static long NowNs()
    {
        ClockGetTime(ClockThreadCpuTimeId, out Timespec ts);
        return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec ts);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
