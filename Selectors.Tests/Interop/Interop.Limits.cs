using System.Runtime.InteropServices;

namespace Selectors.Tests;

internal static partial class TestInterop
{
    /// <summary>RLIMIT_NOFILE, the same number on every Linux architecture.</summary>
    internal const int RlimitNoFile = 7;

    /// <summary>Sets resource <paramref name="resource"/> of process <paramref name="pid"/> (prlimit(2)); the old
    /// limit is not asked for (<paramref name="oldLimit"/> null).</summary>
    [LibraryImport(Libc, EntryPoint = "prlimit", SetLastError = true)]
    internal static partial int PrLimit(int pid, int resource, in ResourceLimit newLimit, nint oldLimit);

    /// <summary>struct rlimit: two rlim_t, 64-bit on the 64-bit platforms the tests run on.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal readonly record struct ResourceLimit(ulong Soft, ulong Hard);
}
