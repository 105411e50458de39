using System;
using System.Net;

namespace Selectors.Examples;

/// <summary>The <c>echo</c> subcommand: its options, and the wiring of a selector, a <see cref="StopSignal"/> and an <see cref="EchoServer"/>.</summary>
internal static class EchoCommand
{
    /// <summary>The command's entry in <see cref="Program"/>'s table.</summary>
    public static Command Command { get; } = new(
        "echo",
        "The echo server from Python's selectors documentation, with partial sends handled. Ctrl+C or SIGTERM stops it.",
        [
            new Option("--host", "ADDRESS", "IP address to listen on (default 127.0.0.1)"),
            new Option("--port", "PORT", "port to listen on; 0 lets the OS choose (default 0)"),
            new Option("--backend", "NAME", $"selector: {string.Join(", ", SelectorFactory.Names)} (default: default)"),
            new Option("--verbose", null, "log each connect and close to stderr"),
            Option.Help,
        ],
        Run);

    private static int Run(Arguments args)
    {
        IPAddress host = args.Address("--host", "127.0.0.1");
        int port = args.Port("--port", 0);
        string backend = args.Choice("--backend", SelectorFactory.Names, "default");
        bool verbose = args.Flag("--verbose");

        // Disposed in reverse: the server closes its sockets, then the selector closes, then the signal handlers go.
        using var stop = new StopSignal();
        using BaseSelector selector = SelectorFactory.Create(backend);
        using var server = new EchoServer(selector, new IPEndPoint(host, port), verbose ? Console.Error : null);

        // Scripts and tests read the port from this line, so it must leave the process now.
        Console.Out.WriteLine($"listening on {server.LocalEndPoint} (backend: {selector.Backend})");
        Console.Out.Flush();

        server.Run(stop);
        if (verbose)
        {
            Console.Error.WriteLine($"stopping ({stop.Reason})");
        }

        return 0;
    }
}
