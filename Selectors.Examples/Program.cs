using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// The entry point: picks the subcommand named by the first argument and runs it. Exit codes: 0 done,
/// 1 a runtime failure (the port is taken, the backend is missing), 2 bad arguments.
/// </summary>
internal static class Program
{
    /// <summary>How usage texts name the program.</summary>
    public const string Name = "Selectors.Examples";

    /// <summary>
    /// Every example, in the order <c>--help</c> lists them. An example plugs in by adding its <see cref="Command"/>
    /// here; parsing, <c>--help</c>, usage errors and exit codes are handled once, below.
    /// </summary>
    private static readonly Command[] Commands =
    [
        EchoCommand.Command,
        HttpCommand.Command,
        ChatCommand.Command,
        ThanksServerCommand.Select,
        ThanksServerCommand.Poll,
        ModelsCommand.Command,
        new(
            "quickstart",
            "The README's quick start: a Python-style echo loop in 20 lines. Stop it with Ctrl+C.",
            [new Option("--port", "PORT", "port on 127.0.0.1 (default 8888)"), Option.Help],
            args =>
            {
                QuickStart.Run(args.Port("--port", 8888));
                return 0;
            }),
    ];

    private static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.Write(Overview());
            return 2;
        }

        if (args[0] is "--help" or "-h" or "help")
        {
            Console.Out.Write(Overview());
            return 0;
        }

        Command? command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            Console.Error.WriteLine($"{Name}: unknown command '{args[0]}'");
            Console.Error.Write(Overview());
            return 2;
        }

        Arguments parsed;
        try
        {
            parsed = Arguments.Parse(command, args[1..]);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{Name} {command.Name}: {e.Message}");
            Console.Error.Write(command.Usage);
            return 2;
        }

        if (parsed.Flag(Option.Help.Name))
        {
            Console.Out.Write(command.Usage);
            return 0;
        }

        try
        {
            return command.Run(parsed);
        }
        catch (UsageException e)
        {
            // Values are checked where the example reads them.
            Console.Error.WriteLine($"{Name} {command.Name}: {e.Message}");
            Console.Error.Write(command.Usage);
            return 2;
        }
        catch (Exception e) when (e is SocketException or IOException or PlatformNotSupportedException or EntryPointNotFoundException or DllNotFoundException)
        {
            // Expected failures of the environment (port in use, no epoll here) get one line, not a stack trace;
            // anything else is a bug and keeps its stack trace. UnixIOException is an IOException; a libc without epoll
            // fails with EntryPointNotFoundException.
            Console.Error.WriteLine($"{Name} {command.Name}: error: {e.Message}");
            return 1;
        }
    }

    private static string Overview() =>
        $"usage: {Name} COMMAND [OPTIONS]   ({Name} COMMAND --help for its options)\n\ncommands:\n"
        + string.Concat(Commands.Select(c => $"  {c.Name,-12}{c.Summary}\n"));
}
