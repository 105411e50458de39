using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Selectors.Examples;

/// <summary>
/// The <c>models</c> subcommand: the same echo workload served by three concurrency models — a thread per connection,
/// one thread on select (<see cref="SelectSelector"/>), one thread on epoll (<see cref="EpollSelector"/>) — each driven
/// by <see cref="LoadClient"/> over loopback, and a table of what each achieved.
/// </summary>
internal static class ModelsCommand
{
    /// <summary>The command's entry in <see cref="Program"/>'s table.</summary>
    public static Command Command { get; } = new(
        "models",
        "Compares concurrency models on one echo workload over loopback: thread per connection, select, epoll. Ctrl+C stops it.",
        [
            new Option("--connections", "N", "concurrent client connections, 1-256 (default 50)"),
            new Option("--seconds", "T", "seconds of load per model, 0.1-60 (default 3)"),
            new Option("--size", "BYTES", "message size, 1-65536 (default 64)"),
            ServerOptions.Verbose,
            Option.Help,
        ],
        Run);

    /// <summary>The models, in table order: a name, and how to start its server (which Dispose stops).</summary>
    private static readonly (string Name, Func<TextWriter?, ILoopbackServer> Start)[] Models =
    [
        ("thread-per-connection", log => new ThreadPerConnectionServer(log)),
        ("select", log => new BackgroundEchoServer(new SelectSelector(), log)),
        ("epoll", log => new BackgroundEchoServer(new EpollSelector(), log)),
    ];

    private static int Run(Arguments args)
    {
        // Each client connection and its server side hold a descriptor; 256 pairs stay far below select's 1024.
        int connections = args.Integer("--connections", 50, 1, 256);
        double seconds = args.Number("--seconds", 3, 0.1, 60);
        int size = args.Integer("--size", 64, 1, 65536);
        TextWriter? log = ServerOptions.Log(args);

        using var stop = new StopSignal();
        Console.Out.WriteLine($"echo of {size} bytes, {connections} connections, {seconds.ToString(CultureInfo.InvariantCulture)} s per model, 127.0.0.1");
        Console.Out.WriteLine($"{"model",-22} {"connections",11} {"round trips/s",14} {"p50 µs",9} {"p99 µs",9} {"errors",7}");
        foreach (var (name, start) in Models)
        {
            if (stop.IsRequested)
            {
                break;
            }

            LoadResult result;
            using (ILoopbackServer server = start(log))
            {
                result = LoadClient.Run(server.LocalEndPoint, connections, seconds, size, stop);
            }

            Console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{name,-22} {connections,11} {result.Throughput,14:F0} {result.P50Microseconds,9:F0} {result.P99Microseconds,9:F0} {result.Errors,7}"));
            Console.Out.Flush();
        }

        if (stop.IsRequested)
        {
            Console.Error.WriteLine($"stopped early ({stop.Reason})");
        }

        return 0;
    }
}
