using System;

namespace Selectors.Benchmarks;

/// <summary>TEMPORARY until main's zero-allocation Select lands: the same signature, on top of the list Select.</summary>
internal static class ZeroAllocSelectShim
{
    public static int Select(this BaseSelector selector, Span<(SelectorKey Key, SelectorEvents Events)> ready, double timeoutSeconds)
    {
        var list = selector.Select(timeoutSeconds);
        int n = Math.Min(list.Count, ready.Length);
        for (int i = 0; i < n; i++)
        {
            ready[i] = list[i];
        }

        return n;
    }
}
