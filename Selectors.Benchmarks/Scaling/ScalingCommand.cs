using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using Selectors.Benchmarks.Micro;
using static System.FormattableString;

namespace Selectors.Benchmarks.Scaling;

/// <summary>
/// <c>scaling</c>: how the time of one Select grows with what is registered while what is ready stays the same (10
/// sockets), per backend: select walks every registered socket, afd only the ready ones. Loopback TCP pairs
/// (<see cref="TcpPairs"/>), registered for Read. Prints a <see cref="ScalingReport"/>; exit code 0 when every backend
/// asked for was measured or skipped as unavailable here (afd outside Windows), 1 when one failed, 2 for bad arguments.
/// </summary>
internal static class ScalingCommand
{
    // The first size of each backend pays for tiered compilation (30 calls, then 100 ms without new methods); the later
    // ones run the same, already optimised, code.
    private const double FirstWarmupSeconds = 0.5;
    private const double WarmupSeconds = 0.1;

    /// <summary>Runs the check with <paramref name="args"/> (see <see cref="ScalingOptions.Usage"/>).</summary>
    public static int Run(string[] args)
    {
        // Told on stdout, not stderr: under Wine, Console.Error may not reach the terminal.
        if (!OptionValues.TryParse("scaling", ScalingOptions.Usage, ScalingOptions.Parse, args, Console.Out, out ScalingOptions? options))
        {
            return 2;
        }

        var results = new List<ScalingResult>();
        var fixtures = new List<TcpPairs>();
        try
        {
            long started = Stopwatch.GetTimestamp();
            try
            {
                foreach (int n in options.Sizes)
                {
                    fixtures.Add(new TcpPairs(n, ScalingOptions.Ready));
                }
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                // On stdout, with the lines' prefix: under Wine an unhandled exception's trace may never be seen.
                Console.Out.WriteLine($"scaling: making the loopback pairs failed: {e.Message}");
                return 1;
            }

            Console.Out.WriteLine(Invariant($"scaling: {options.Sizes.Sum()} loopback TCP pairs made in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));

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

        var targets = new List<Target>();
        try
        {
            foreach (TcpPairs fixture in fixtures)
            {
                targets.Add(new Target(backend, fixture));
            }

            for (int i = 0; i < targets.Count; i++)
            {
                targets[i].Warm(i == 0 ? FirstWarmupSeconds : WarmupSeconds);
            }

            // Window by window across the sizes and shapes, not all of one first: a burst of other work on the machine
            // then spoils one window of each rather than every window of one size, and the fastest window survives it.
            for (int w = 0; w < options.Windows; w++)
            {
                targets.ForEach(t => t.Time(options.WindowSeconds));
            }

            return new ScalingResult(name, targets.Select(t => new ScalingResult.Size(t.N, t.Span, t.List)).ToList());
        }
        catch (Exception e) when (e is InvalidOperationException or SocketException or Win32Exception or ArgumentException)
        {
            return new ScalingResult(name, [], Failed: e.Message);
        }
        finally
        {
            targets.ForEach(t => t.Dispose());
        }
    }

    /// <summary>One size on one backend: a selector with the fixture's sockets registered for Read, and its best windows.</summary>
    private sealed class Target : IDisposable
    {
        private readonly BaseSelector _selector;
        private readonly (SelectorKey Key, SelectorEvents Events)[] _buffer;

        public Target(SelectorBackend backend, TcpPairs fixture)
        {
            N = fixture.Sockets.Length;
            _buffer = new (SelectorKey Key, SelectorEvents Events)[N];
            _selector = SelectorBackends.Create(backend);
            try
            {
                foreach (Socket socket in fixture.Sockets)
                {
                    _selector.Register(socket, SelectorEvents.Read);
                }
            }
            catch
            {
                _selector.Dispose();
                throw;
            }
        }

        public int N { get; }

        public SelectTimer.Timing Span { get; private set; } = SelectTimer.Timing.None;

        public SelectTimer.Timing List { get; private set; } = SelectTimer.Timing.None;

        public void Warm(double seconds)
        {
            SelectTimer.Window(SelectSpan, ScalingOptions.Ready, seconds);
            SelectTimer.Window(SelectList, ScalingOptions.Ready, seconds);
        }

        public void Time(double seconds)
        {
            Span = SelectTimer.Timing.Faster(Span, SelectTimer.Window(SelectSpan, ScalingOptions.Ready, seconds));
            List = SelectTimer.Timing.Faster(List, SelectTimer.Window(SelectList, ScalingOptions.Ready, seconds));
        }

        public void Dispose() => _selector.Dispose();

        // The zero-allocation overload, timeout 0: what is measured is the backend, not the collector.
        private int SelectSpan() => _selector.Select(_buffer, 0);

        // The Python-shaped overload, its list walked as a user's loop walks it.
        private int SelectList() => DotnetMicro.WalkSelectList(_selector);
    }
}
