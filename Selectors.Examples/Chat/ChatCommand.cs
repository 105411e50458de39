namespace Selectors.Examples;

/// <summary>The <c>chat</c> subcommand: its options, one <see cref="ChatRoom"/>, and a <see cref="ChatConnection"/> per client.</summary>
internal static class ChatCommand
{
    /// <summary>The command's entry in <see cref="Program"/>'s table.</summary>
    public static Command Command { get; } = new(
        "chat",
        "A line-based chat room for many long-lived connections: the first line is your nickname, every later line goes to everyone else. Ctrl+C or SIGTERM stops it.",
        [
            .. ServerCommand.CommonOptions,
            new Option("--max-line", "BYTES", "longest line, 16-1048576; a longer one is dropped with a notice to its sender (default 1024)"),
            new Option("--max-queue", "BYTES", "most output queued for one client, 4096-1073741824; a client past it is disconnected (default 1048576)"),
            Option.Help,
        ],
        Run);

    private static int Run(Arguments args)
    {
        int maxLine = args.Integer("--max-line", 1024, 16, 1024 * 1024);
        int maxQueue = args.Integer("--max-queue", 1024 * 1024, 4096, 1024 * 1024 * 1024);
        var room = new ChatRoom();
        // No idle timeout: chat connections are meant to sit idle for hours, and an idle one costs no CPU.
        // TCP_NODELAY: chat lines are small and someone is waiting for each one.
        var settings = new ServerSettings(ServerCommand.Backlog(args), NoDelay: true, IdleTimeout: null);
        return ServerCommand.Run(args, settings, (loop, socket) => new ChatConnection(loop, socket, room, maxLine, maxQueue));
    }
}
