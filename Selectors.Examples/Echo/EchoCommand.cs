using System;
using System.IO;
using System.Net;

namespace Selectors.Examples;

/// <summary>
/// The <c>echo</c> subcommand: by default the echo server from Python's selectors documentation on a selector
/// (<see cref="EchoServer"/>); with <c>--lowlevel</c> the classic Python epoll server on <see cref="Epoll.EpollInstance"/>
/// (<see cref="LevelEpollServer"/>), with <c>--edge</c> the same on edge-triggered epoll (<see cref="EdgeEpollServer"/>).
/// <c>--loops N</c> runs N selector servers on one port (<see cref="LoopGroup"/>); the low-level servers, ports of
/// single-loop Python programs, run one.
/// </summary>
internal static class EchoCommand
{
    /// <summary>The command's entry in <see cref="Program"/>'s table.</summary>
    public static Command Command { get; } = new(
        "echo",
        "The echo server from Python's selectors documentation, with partial sends handled; --lowlevel: the classic "
        + "select.epoll server on EpollInstance, --edge: the same edge-triggered. Ctrl+C or SIGTERM stops it.",
        [
            ServerOptions.Host,
            ServerOptions.Port,
            new Option("--backend", "NAME", $"selector: {string.Join(", ", SelectorFactory.Names)} (default: default; epoll only with --lowlevel/--edge)"),
            new Option("--lowlevel", null, "the classic Python epoll server, level-triggered, on EpollInstance instead of a selector"),
            new Option("--edge", null, "the low-level epoll server, edge-triggered (EPOLLET): accept, read and write until EAGAIN"),
            LoopsOption.Option,
            ServerOptions.Verbose,
            Option.Help,
        ],
        Run);

    private static int Run(Arguments args)
    {
        IPEndPoint endpoint = ServerOptions.Endpoint(args);
        string backend = args.Choice("--backend", SelectorFactory.Names, "default");
        TextWriter? log = ServerOptions.Log(args);
        bool edge = args.Flag("--edge");
        bool lowLevel = edge || args.Flag("--lowlevel");
        if (lowLevel && backend is not ("default" or "epoll"))
        {
            throw new UsageException("--lowlevel and --edge run on epoll itself: --backend must be epoll or default");
        }

        int loops = lowLevel ? 1 : LoopsOption.Count(args);
        if (lowLevel && args.Flag(LoopsOption.Option.Name))
        {
            throw new UsageException("--loops applies to the selector server: --lowlevel and --edge run one loop");
        }

        // Disposed in reverse: the server closes its sockets (and its selector or epoll), then the signal handlers go.
        using var stop = new StopSignal();
        if (lowLevel)
        {
            using ReadinessServer epollServer = edge
                ? new EdgeEpollServer(endpoint, Protocols.Echo, log, Console.Error)
                : new LevelEpollServer(endpoint, Protocols.Echo, log, Console.Error);
            return ServerOptions.Serve(epollServer, stop, log);
        }

        using var group = new LoopGroup(loops, endpoint, () => SelectorFactory.Create(backend), (selector, at, reusePort) => new EchoServer(selector, at, log, Console.Error, reusePort));
        return group.Serve(stop, log);
    }
}
