using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// The options and the start-up the http and chat commands share: parse where to listen and which backend, then wire a
/// <see cref="StopSignal"/> and a <see cref="LoopGroup"/> of <see cref="ServerLoop"/>s (one, unless the command takes
/// <c>--loops</c>), print the <c>listening on</c> line and serve.
/// </summary>
internal static class ServerCommand
{
    /// <summary>The options every server command takes, before its own.</summary>
    public static IReadOnlyList<Option> CommonOptions { get; } =
    [
        new Option("--host", "ADDRESS", "IP address to listen on (default 127.0.0.1)"),
        new Option("--port", "PORT", "port to listen on; 0 lets the OS choose (default 0)"),
        new Option("--backend", "NAME", $"selector: {string.Join(", ", SelectorFactory.Names)} (default: default)"),
        new Option("--backlog", "N", "listen backlog, 1-65535; the kernel caps it at net.core.somaxconn (default 128)"),
        new Option("--verbose", null, "log each connect and close to stderr"),
    ];

    /// <summary>The listen backlog from <c>--backlog</c>.</summary>
    public static int Backlog(Arguments args) => args.Integer("--backlog", 128, 1, 65535);

    /// <summary>Serves with <paramref name="settings"/> on <paramref name="loops"/> loops until Ctrl+C or SIGTERM; returns the exit code (0).</summary>
    /// <exception cref="UsageException">A bad common option.</exception>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public static int Run(Arguments args, ServerSettings settings, Func<ServerLoop, Socket, Connection> accept, int loops = 1)
    {
        IPAddress host = args.Address("--host", "127.0.0.1");
        int port = args.Port("--port", 0);
        string backend = args.Choice("--backend", SelectorFactory.Names, "default");
        TextWriter? log = args.Flag("--verbose") ? Console.Error : null;

        // Disposed in reverse: each loop closes its sockets, then its selector, then the signal handlers go.
        using var stop = new StopSignal();
        using var group = new LoopGroup(
            loops,
            new IPEndPoint(host, port),
            () => SelectorFactory.Create(backend),
            (selector, at, reusePort) => new ServerLoop(selector, at, settings with { ReusePort = reusePort }, accept, log, Console.Error));
        return group.Serve(stop, log);
    }
}
