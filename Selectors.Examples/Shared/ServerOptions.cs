using System;
using System.IO;
using System.Net;

namespace Selectors.Examples;

/// <summary>
/// The options every server example takes (<c>--host</c>, <c>--port</c>, <c>--verbose</c>) and the way each one starts
/// and stops: the <c>listening on</c> line that scripts and tests read the port from, then the loop, then the reason
/// it stopped.
/// </summary>
internal static class ServerOptions
{
    /// <summary><c>--host ADDRESS</c>.</summary>
    public static Option Host { get; } = new("--host", "ADDRESS", "IP address to listen on (default 127.0.0.1)");

    /// <summary><c>--port PORT</c>.</summary>
    public static Option Port { get; } = new("--port", "PORT", "port to listen on; 0 lets the OS choose (default 0)");

    /// <summary><c>--verbose</c>.</summary>
    public static Option Verbose { get; } = new("--verbose", null, "log each connect and close to stderr");

    /// <summary>Where to listen, from <c>--host</c> and <c>--port</c>.</summary>
    /// <exception cref="UsageException">Not an IP address, or not a port.</exception>
    public static IPEndPoint Endpoint(Arguments args) => new(args.Address(Host.Name, "127.0.0.1"), args.Port(Port.Name, 0));

    /// <summary>Standard error with <c>--verbose</c>, else null (no log).</summary>
    public static TextWriter? Log(Arguments args) => args.Flag(Verbose.Name) ? Console.Error : null;

    /// <summary>Announces where <paramref name="server"/> listens, serves until a stop is requested, and logs why it stopped.</summary>
    /// <returns>0, the exit code of a clean stop.</returns>
    public static int Serve(ReadinessServer server, StopSignal stop, TextWriter? log) =>
        Serve(server.LocalEndPoint, server.Backend, () => server.Run(stop), stop, log);

    /// <summary>Announces <paramref name="local"/> and <paramref name="backend"/>, calls <paramref name="run"/>, and logs why it stopped.</summary>
    /// <returns>0, the exit code of a clean stop.</returns>
    public static int Serve(IPEndPoint local, string backend, Action run, StopSignal stop, TextWriter? log)
    {
        // Scripts and tests read the port from this line, so it must leave the process now.
        Console.Out.WriteLine($"listening on {local} (backend: {backend})");
        Console.Out.Flush();
        run();
        log?.WriteLine($"stopping ({stop.Reason})");
        return 0;
    }
}
