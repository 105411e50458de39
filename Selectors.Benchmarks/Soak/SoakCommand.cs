using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Threading;
using Selectors.Benchmarks.Compare;

using static System.FormattableString;

namespace Selectors.Benchmarks.Soak;

/// <summary>
/// <c>soak</c>: the built <c>echo</c> example as a child process (started as <c>compare</c> starts it), loaded by
/// <see cref="SoakLoad"/> with checksummed random traffic for a warm-up round and a measured round; the server's
/// descriptors and resident memory are read after each. Prints a <see cref="SoakReport"/>; exit code 0 when it passed,
/// 1 when a criterion failed, 2 for bad arguments.
/// </summary>
internal static class SoakCommand
{
    // How long connections may take to finish their last message and close after a round's end.
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(30);

    // The server has settled when its descriptor count has not changed for this long...
    private static readonly TimeSpan SettleQuiet = TimeSpan.FromSeconds(1);

    // ...or after this, whichever comes first.
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(20);

    // The collector retunes its gen-0 budget from what it sees, and keeps that much memory after a collection: the
    // server's resident size after an induced collection then varied by up to 12% between two identical 20 s rounds
    // (45.7 and 51.1 MiB). A fixed budget (4 MiB) leaves what a leak would grow, the objects and descriptors retained,
    // as the only difference: 0.1-2% over the same rounds.
    private static readonly string[] ServerEnvironment = ["DOTNET_GCgen0size=0x100000"];

    /// <summary>Runs the soak with <paramref name="args"/> (see <see cref="SoakOptions.Usage"/>).</summary>
    public static int Run(string[] args)
    {
        if (!OptionValues.TryParse("soak", SoakOptions.Usage, SoakOptions.Parse, args, Console.Error, out SoakOptions? options))
        {
            return 2;
        }

        string port = options.Port.ToString(CultureInfo.InvariantCulture);
        var echo = new EchoServer("echo example", "dotnet", [RepoPaths.ExamplesDll, "echo", "--port", port, "--backend", options.Backend], ServerEnvironment);
        // Not pinned: the soak is about correctness and leaks, and the server and the client share the cores.
        ChildProcess server;
        int listening;
        try
        {
            server = EchoRun.StartServer(echo, out listening, cpus: null);
        }
        catch (InvalidOperationException e)
        {
            Console.Out.WriteLine($"soak: FAIL error=server_start ({e.Message})");
            return 1;
        }

        SoakReport report;
        try
        {
            Console.Out.WriteLine(
                Invariant($"echo example: pid {server.Id}, 127.0.0.1:{listening}, backend {options.Backend}; {options.Connections} connections, ")
                + Invariant($"{options.WarmupSeconds:0.#} s warm-up, {options.Seconds:0.#} s round, seed {options.Seed}; ")
                + Invariant($"load average {File.ReadAllText("/proc/loadavg").Trim()}"));
            Console.Out.WriteLine($"at start: {ServerFootprint.Of(server.Id)}");
            report = Soak(options, server, new IPEndPoint(IPAddress.Loopback, listening));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // The server died (its /proc entries are gone) or the client could not run: a failure, said on the same line.
            Console.Out.WriteLine($"soak: FAIL error={e.GetType().Name} ({e.Message})");
            return 1;
        }
        finally
        {
            server.Dispose(); // SIGTERM by its id, SIGKILL after 3 s; nothing left to do if Stop already stopped it.
        }

        Console.Out.WriteLine(report.SummaryLine());
        return report.Failures.Count == 0 ? 0 : 1;
    }

    private static SoakReport Soak(SoakOptions options, ChildProcess server, IPEndPoint endpoint)
    {
        SoakTally warmup, round;
        ServerFootprint before, after;
        double elapsed;
        using (var load = new SoakLoad(endpoint, options.Seed, Console.Error, () => ServerFootprint.Of(server.Id).ToString()))
        {
            var watch = Stopwatch.StartNew();
            warmup = load.Run(options.Connections, TimeSpan.FromSeconds(options.WarmupSeconds), DrainLimit);
            Console.Out.WriteLine(SoakReport.Describe("warm-up", warmup, watch.Elapsed.TotalSeconds - warmup.RampSeconds));
            // "Before" is taken once the warm-up's connections are all closed: the runtime has compiled the hot paths,
            // and the heap has grown to what this many connections need, so neither is counted as a leak.
            before = Settle(server.Id);
            Console.Out.WriteLine($"before: {before}");

            watch.Restart();
            round = load.Run(options.Connections, TimeSpan.FromSeconds(options.Seconds), DrainLimit);
            elapsed = watch.Elapsed.TotalSeconds - round.RampSeconds;
            Console.Out.WriteLine(SoakReport.Describe("round", round, elapsed));
            after = Settle(server.Id);
            Console.Out.WriteLine($"after: {after}");
        }

        return new SoakReport
        {
            Options = options,
            Warmup = warmup,
            Round = round,
            Before = before,
            After = after,
            ElapsedSeconds = elapsed,
            ServerExitCode = Stop(server),
        };
    }

    /// <summary>
    /// Waits until the server's descriptor count stops changing (bounded), has it collect its garbage, then reads its
    /// footprint.
    /// </summary>
    private static ServerFootprint Settle(int pid)
    {
        var limit = Stopwatch.StartNew();
        var quiet = Stopwatch.StartNew();
        int descriptors = ServerFootprint.Of(pid).Descriptors;
        while (quiet.Elapsed < SettleQuiet && limit.Elapsed < SettleLimit)
        {
            Thread.Sleep(100);
            int now = ServerFootprint.Of(pid).Descriptors;
            if (now != descriptors)
            {
                (descriptors, quiet) = (now, Stopwatch.StartNew());
            }
        }

        long? heapBytes = InducedCollection.Run(pid, TimeSpan.FromSeconds(10));
        if (heapBytes is null)
        {
            Console.Error.WriteLine("soak: the server did not report the collection asked for; its memory is read anyway");
        }

        Thread.Sleep(SettleQuiet); // Let the collector hand back what it freed before reading VmRSS.
        return ServerFootprint.Of(pid) with { ManagedHeapBytes = heapBytes };
    }

    /// <summary>SIGTERM, as a user stops the example; its exit code, or null if it had to be killed.</summary>
    private static int? Stop(ChildProcess server)
    {
        server.Signal(15);
        if (!server.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            return null; // WaitForExit killed and disposed it.
        }

        return server.ExitCode;
    }
}
