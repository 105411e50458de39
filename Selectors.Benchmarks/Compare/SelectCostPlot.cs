using System;
using System.Linq;
using ScottPlot;
using Selectors.Benchmarks.Micro;

namespace Selectors.Benchmarks.Compare;

/// <summary>
/// docs/benchmarks-select-cost.png: select cost per call against N, log-log, one line per backend and peer. ScottPlot 5
/// has no log axis, so the data are plotted as log10 and the ticks are labelled with the real values.
/// </summary>
internal static class SelectCostPlot
{
    public static void Save(CompareResults r, string path)
    {
        var plot = new Plot();
        Color[] palette = new ScottPlot.Palettes.Category20().Colors;
        int index = 0;
        foreach (string target in MicroTargets.SelectRows)
        {
            MicroResult[] rows = r.Micro.Where(m => m.Target == target).OrderBy(m => m.N).ToArray();
            if (rows.Length == 0)
            {
                continue;
            }

            double[] xs = rows.Select(m => Math.Log10(m.N)).ToArray();
            double[] ys = rows.Select(m => Math.Log10(m.NsPerCall / 1000)).ToArray();
            var line = plot.Add.Scatter(xs, ys, palette[index++ % palette.Length]);
            line.LegendText = target;
            line.LineWidth = target.StartsWith("C ", StringComparison.Ordinal) ? 3 : 1.5f;
            line.MarkerSize = 6;
            // Line style tells the family apart: C solid and thick, ours solid, CPython dashed, .NET Socket.Select dotted.
            line.LinePattern = target.StartsWith("CPython", StringComparison.Ordinal) ? LinePattern.Dashed
                : target.StartsWith(".NET", StringComparison.Ordinal) ? LinePattern.Dotted
                : LinePattern.Solid;
        }

        plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.Axes.Left.TickGenerator = LogTicks();
        plot.Title("Select cost per call, 10 ready (lower is better)");
        plot.XLabel("N registered descriptors");
        plot.YLabel("µs of CPU per call");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1100, 750);
    }

    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => Math.Pow(10, v).ToString("#,0.##", System.Globalization.CultureInfo.InvariantCulture),
    };
}
