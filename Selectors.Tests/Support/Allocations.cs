using System;

namespace Selectors.Tests.Support;

/// <summary>
/// Zero-allocation checks that a one-off of the runtime's cannot fail: the least a window allocated, over
/// <see cref="Windows"/> windows. An allocation of the code under test recurs in every window; a one-off on the test
/// thread lands in one. Full CI runs saw two such one-offs, never reproduced alone: 7,312 B in 1,000 loop turns and
/// 1,832 B in 1,000 receives that completed at once (where neither the loop nor the selector runs), each under the
/// GC's 8 KB allocation quantum.
/// </summary>
internal static class Allocations
{
    /// <summary>How many windows a check measures.</summary>
    internal const int Windows = 3;

    /// <summary>Runs <paramref name="window"/> <see cref="Windows"/> times and returns the least it allocated on this thread.</summary>
    internal static long Least(Action window)
    {
        long least = long.MaxValue;
        for (int i = 0; i < Windows; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            window();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
