namespace Selectors.Examples;

/// <summary>The <c>http</c> subcommand: its options, turned into <see cref="ServerSettings"/> and an <see cref="HttpConnection"/> per client.</summary>
internal static class HttpCommand
{
    /// <summary>The command's entry in <see cref="Program"/>'s table.</summary>
    public static Command Command { get; } = new(
        "http",
        "The non-blocking \"Hello, world!\" HTTP server of Python's epoll tutorial, with HTTP/1.1 keep-alive and pipelining, a header size cap, idle and request-head timeouts. Ctrl+C or SIGTERM stops it.",
        [
            .. ServerCommand.CommonOptions,
            new Option("--nodelay", null, "set TCP_NODELAY on each connection"),
            new Option("--max-header-bytes", "N", "longest request head, 64-1048576 bytes; longer gets 431 and a close (default 8192)"),
            new Option("--idle-timeout", "SECONDS", "close a connection idle this long; 0 never (default 10)"),
            new Option("--header-timeout", "SECONDS", "close a connection whose request head is not complete this long after its first byte, however it trickles in (slowloris); also bounds the graceful close; 0 never (default 10)"),
            LoopsOption.Option,
            Option.Help,
        ],
        Run);

    private static int Run(Arguments args)
    {
        int maxHeaderBytes = args.Integer("--max-header-bytes", 8192, 64, 1024 * 1024);
        var idle = args.Seconds("--idle-timeout", 10, 24 * 60 * 60);
        var head = args.Seconds("--header-timeout", 10, 24 * 60 * 60);
        var settings = new ServerSettings(ServerCommand.Backlog(args), args.Flag("--nodelay"), idle > System.TimeSpan.Zero ? idle : null);
        return ServerCommand.Run(args, settings, (loop, socket) => new HttpConnection(loop, socket, maxHeaderBytes, head > System.TimeSpan.Zero ? head : null), LoopsOption.Count(args));
    }
}
