using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Net.Sockets;
using Selectors.Benchmarks.Micro;

namespace Selectors.Benchmarks.Scaling;

/// <summary>
/// <c>scaling</c>: how the time of one Select grows with what is registered while what is ready stays the same (10
/// sockets), per backend: select walks every registered socket, afd only the ready ones. Loopback TCP pairs
/// (<see cref="TcpPairs"/>), registered for Read. Prints a <see cref="ScalingReport"/>; exit code 0 when every backend
/// asked for was measured or skipped as unavailable here (afd outside Windows), 1 when one failed, 2 for bad arguments.
/// </summary>
internal static class ScalingCommand
{
    // The first size of each backend pays for tiered compilation; the later ones run the same, already optimised, code.
    private const double FirstWarmupSeconds = 0.5;
    private const double WarmupSeconds = 0.1;

    /// <summary>Runs the check with <paramref name="args"/> (see <see cref="ScalingOptions.Usage"/>).</summary>
    public static int Run(string[] args)
    {
        ScalingOptions options;
        try
        {
            options = ScalingOptions.Parse(args);
        }
        catch (FormatException e)
        {
            // stdout, not stderr: under Wine, Console.Error may not reach the terminal.
            Console.Out.WriteLine($"scaling: {e.Message}\nusage: Selectors.Benchmarks {ScalingOptions.Usage}");
            return 2;
        }

        var results = new List<ScalingResult>();
        var fixtures = new List<TcpPairs>();
        try
        {
            foreach (int n in options.Sizes)
            {
                fixtures.Add(new TcpPairs(n, ScalingOptions.Ready));
            }

            foreach (string backend in options.Backends)
            {
                results.Add(Measure(backend, fixtures, options));
            }
        }
        finally
        {
            fixtures.ForEach(f => f.Dispose());
        }

        ScalingReport.Write(Console.Out, options, results);
        return results.Any(r => r.Failed is not null) ? 1 : 0;
    }

    private static ScalingResult Measure(string name, List<TcpPairs> fixtures, ScalingOptions options)
    {
        SelectorBackend backend = SelectorBackends.Parse(name);
        if (!SelectorBackends.IsAvailable(backend))
        {
            return new ScalingResult(name, [], Skipped: "unavailable");
        }

        var sizes = new List<ScalingResult.Size>();
        try
        {
            foreach (TcpPairs fixture in fixtures)
            {
                double warmup = sizes.Count == 0 ? FirstWarmupSeconds : WarmupSeconds;
                sizes.Add(MeasureSize(backend, fixture, warmup, options));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or SocketException or Win32Exception or ArgumentException)
        {
            return new ScalingResult(name, [], Failed: e.Message);
        }

        return new ScalingResult(name, sizes);
    }

    private static ScalingResult.Size MeasureSize(SelectorBackend backend, TcpPairs fixture, double warmup, ScalingOptions options)
    {
        int n = fixture.Sockets.Length;
        var buffer = new (SelectorKey Key, SelectorEvents Events)[n];
        using BaseSelector selector = SelectorBackends.Create(backend);
        foreach (Socket socket in fixture.Sockets)
        {
            selector.Register(socket, SelectorEvents.Read);
        }

        var span = SelectTimer.Measure(() => selector.Select(buffer, 0), ScalingOptions.Ready, warmup, options.WindowSeconds, options.Windows);
        var list = SelectTimer.Measure(() => DotnetMicro.WalkSelectList(selector), ScalingOptions.Ready, warmup, options.WindowSeconds, options.Windows);
        return new ScalingResult.Size(n, span, list);
    }
}
