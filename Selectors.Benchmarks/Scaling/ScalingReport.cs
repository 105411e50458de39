using System.Collections.Generic;
using System.IO;
using System.Linq;
using static System.FormattableString;

namespace Selectors.Benchmarks.Scaling;

/// <summary>
/// The <c>scaling</c> command's output: a table per backend (N, µs per Select of each shape, the growth from the
/// smallest N to the largest), each backend's growth over the first backend's, and one machine-readable line per
/// backend for CI, <c>scaling: backend=afd n10_us=… n2000_us=… growth=… list_n10_us=… list_n2000_us=… list_growth=…</c>,
/// or <c>scaling: backend=afd skipped=unavailable</c>, or <c>scaling: backend=afd failed=…</c>.
/// </summary>
/// <remarks>ASCII only ("us", not "µs"): under Wine stdout is written in a Windows code page.</remarks>
internal static class ScalingReport
{
    /// <summary>Writes the tables and the lines for <paramref name="results"/> to <paramref name="output"/>.</summary>
    public static void Write(TextWriter output, ScalingOptions options, IReadOnlyList<ScalingResult> results)
    {
        output.WriteLine(Invariant($"scaling: {ScalingOptions.Ready} of N registered sockets ready (loopback TCP pairs, registered for Read); mean wall time of one Select, timeout 0, in the fastest of {options.Windows} windows of {options.WindowSeconds:0.###} s"));
        foreach (ScalingResult result in results)
        {
            output.WriteLine();
            WriteTable(output, result);
        }

        // Each measured backend's growth over the first's: with the defaults, afd's over select's.
        List<ScalingResult> measured = results.Where(r => r.Measured).ToList();
        if (measured.Count > 1)
        {
            output.WriteLine();
            foreach (ScalingResult other in measured.Skip(1))
            {
                output.WriteLine(Invariant($"growth of {other.Backend} / growth of {measured[0].Backend}: {other.Growth / measured[0].Growth:0.0000} (span), {other.ListGrowth / measured[0].ListGrowth:0.0000} (list)"));
            }
        }

        output.WriteLine();
        foreach (ScalingResult result in results)
        {
            output.WriteLine(Line(result));
        }
    }

    private static void WriteTable(TextWriter output, ScalingResult result)
    {
        if (result.Skipped is not null)
        {
            output.WriteLine($"{result.Backend}: skipped, not available on this machine (afd needs Windows' AFD driver, epoll Linux, poll a Unix)");
            return;
        }

        if (result.Failed is not null)
        {
            output.WriteLine($"{result.Backend}: FAILED: {result.Failed}");
            return;
        }

        output.WriteLine(result.Backend);
        output.WriteLine("        N   us/Select(span)   us/Select() list   calls timed (span)");
        foreach (ScalingResult.Size size in result.Sizes)
        {
            output.WriteLine(Invariant($"  {size.N,7}   {size.Span.MicrosecondsPerCall,15:0.000}   {size.List.MicrosecondsPerCall,16:0.000}   {size.Span.Calls,18}"));
        }

        output.WriteLine(Invariant($"  growth N={result.Sizes[0].N} to N={result.Sizes[^1].N}: {result.Growth:0.00}x (span), {result.ListGrowth:0.00}x (list)"));
    }

    private static string Line(ScalingResult result)
    {
        if (!result.Measured)
        {
            // One token: the shell reads the line by splitting on spaces.
            string reason = result.Skipped ?? result.Failed!.Replace(' ', '_');
            return $"scaling: backend={result.Backend} {(result.Skipped is not null ? "skipped" : "failed")}={reason}";
        }

        IEnumerable<string> span = result.Sizes.Select(s => Invariant($"n{s.N}_us={s.Span.MicrosecondsPerCall:0.000}"));
        IEnumerable<string> list = result.Sizes.Select(s => Invariant($"list_n{s.N}_us={s.List.MicrosecondsPerCall:0.000}"));
        return Invariant($"scaling: backend={result.Backend} {string.Join(' ', span)} growth={result.Growth:0.000} {string.Join(' ', list)} list_growth={result.ListGrowth:0.000}");
    }
}
