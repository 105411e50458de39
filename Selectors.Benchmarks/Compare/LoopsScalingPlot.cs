using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScottPlot;

namespace Selectors.Benchmarks.Compare;

/// <summary>
/// docs/benchmarks-loops-scaling.png: round trips/s and server CPU per round trip against the loop count, each as a
/// ratio to one loop at the same connection count, with the ideal throughput line (L loops, L times the round trips).
/// </summary>
internal static class LoopsScalingPlot
{
    public static void Save(IReadOnlyList<LoopsResult> results, string path)
    {
        var plot = new Plot();
        Color[] palette = new ScottPlot.Palettes.Category10().Colors;
        int maxLoops = results.Count == 0 ? 1 : results.Max(r => r.Loops);
        double[] loopAxis = Enumerable.Range(1, maxLoops).Select(l => (double)l).ToArray();
        var ideal = plot.Add.Scatter(loopAxis, loopAxis, Colors.Gray);
        ideal.LegendText = "ideal round trips/s (L× one loop)";
        ideal.LinePattern = LinePattern.Dotted;
        ideal.MarkerSize = 0;

        int index = 0;
        foreach (IGrouping<int, LoopsResult> group in results.GroupBy(r => r.Echo.Connections).OrderBy(g => g.Key))
        {
            LoopsResult[] rows = group.OrderBy(r => r.Loops).ToArray();
            LoopsResult? one = rows.FirstOrDefault(r => r.Loops == 1);
            if (one is null)
            {
                continue;
            }

            Color color = palette[index++ % palette.Length];
            double[] xs = rows.Select(r => (double)r.Loops).ToArray();
            var throughput = plot.Add.Scatter(xs, rows.Select(r => r.Echo.RoundTripsPerSecond / one.Echo.RoundTripsPerSecond).ToArray(), color);
            throughput.LegendText = string.Create(CultureInfo.InvariantCulture, $"round trips/s, {group.Key:N0} connections");
            throughput.LineWidth = 2.5f;
            throughput.MarkerSize = 8;
            var cpu = plot.Add.Scatter(xs, rows.Select(r => r.Echo.ServerCpuUsPerRoundTrip / one.Echo.ServerCpuUsPerRoundTrip).ToArray(), color);
            cpu.LegendText = string.Create(CultureInfo.InvariantCulture, $"server CPU per round trip, {group.Key:N0} connections");
            cpu.LinePattern = LinePattern.Dashed;
            cpu.MarkerSize = 8;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.Axes.SetLimitsY(0, maxLoops + 0.5);
        plot.Title("Echo example, --loops L: ratio to one loop");
        plot.XLabel("loops (L), server on cores 0 to L - 1");
        plot.YLabel("ratio to --loops 1");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 600);
    }
}
