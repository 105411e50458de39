namespace Selectors.Benchmarks.Micro;

/// <summary>
/// Pins the calling thread to one core (sched_setaffinity on thread id 0, "this thread"), so the .NET microbenchmarks,
/// which run in the harness itself, sit on the same core as the C and CPython ones that taskset pins.
/// </summary>
internal static class CpuAffinity
{
    /// <summary>Pins this thread to <paramref name="core"/>; returns false if the kernel refused (then nothing changed).</summary>
    public static bool PinCurrentThread(int core) => SetMask(1UL << core);

    /// <summary>Lets this thread run on any of the first 64 cores again.</summary>
    public static void Unpin() => SetMask(ulong.MaxValue);

    private static unsafe bool SetMask(ulong mask) => Interop.SchedSetAffinity(0, sizeof(ulong), &mask) == 0;
}
