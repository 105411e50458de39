using System;
using System.IO;
using System.Net;

namespace Selectors.Examples;

/// <summary>
/// The <c>select-server</c> and <c>poll-server</c> subcommands: PyMOTW's classic select- and poll-based servers, which
/// queue <c>Ok,Thanks</c> for each message and send it when the socket is writable. One wiring for both; only the
/// server class differs.
/// </summary>
internal static class ThanksServerCommand
{
    /// <summary><c>select-server</c>: on <see cref="Select.SocketSelect"/>.</summary>
    public static Command Select { get; } = Create(
        "select-server",
        "The classic Python select.select server: replies Ok,Thanks to each line, with per-connection output queues.",
        (endpoint, log) => new SelectServer(endpoint, Protocols.OkThanks, log, Console.Error));

    /// <summary><c>poll-server</c>: on <see cref="Poll.PollSet"/>.</summary>
    public static Command Poll { get; } = Create(
        "poll-server",
        "The classic Python select.poll server: replies Ok,Thanks to each line, with per-connection output queues.",
        (endpoint, log) => new PollServer(endpoint, Protocols.OkThanks, log, Console.Error));

    private static Command Create(string name, string summary, Func<IPEndPoint, TextWriter?, ReadinessServer> create) => new(
        name,
        summary + " Ctrl+C or SIGTERM stops it.",
        [ServerOptions.Host, ServerOptions.Port, ServerOptions.Verbose, Option.Help],
        args =>
        {
            IPEndPoint endpoint = ServerOptions.Endpoint(args);
            TextWriter? log = ServerOptions.Log(args);
            using var stop = new StopSignal();
            using ReadinessServer server = create(endpoint, log);
            return ServerOptions.Serve(server, stop, log);
        });
}
