namespace Selectors.Benchmarks.Micro;

/// <summary>One microbenchmark figure: CPU time per call (and managed bytes per call, for .NET targets).</summary>
/// <param name="Target">What was timed, e.g. "C epoll_wait" or "EpollSelector.Select(span)".</param>
/// <param name="N">Registered descriptors (10 of them ready); 0 for operations that do not depend on N.</param>
/// <param name="NsPerCall">Nanoseconds of the calling thread's CPU time per call.</param>
/// <param name="BytesPerCall">Managed bytes allocated per call; NaN where that means nothing (C, CPython).</param>
internal sealed record MicroResult(string Target, int N, double NsPerCall, double BytesPerCall)
{
    /// <summary>How many descriptors the first call reported ready (a check on the fixture); -1 when not known.</summary>
    public int ReadyCount { get; init; } = -1;
}
