using System.Runtime.InteropServices;

/// <summary>
/// The benchmarks' few libc calls, in one file named Interop.*, as the repository's interop-boundary test requires of
/// every P/Invoke outside the tests.
/// </summary>
internal static partial class Interop
{
    internal const int ClockThreadCpuTimeId = 3;

    /// <summary>struct timespec on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    internal static partial int ClockGetTime(int clock, out Timespec ts);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity")]
    internal static unsafe partial int SchedSetAffinity(int pid, nint size, ulong* mask);

    [LibraryImport("libc", EntryPoint = "kill")]
    internal static partial int Kill(int pid, int signal);
}
