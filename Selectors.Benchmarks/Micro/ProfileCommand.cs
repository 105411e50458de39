using System;
using System.Globalization;
using System.Net.Sockets;
using Selectors.Epoll;

namespace Selectors.Benchmarks.Micro;

/// <summary>
/// <c>profile TARGET N SECONDS</c>: one .NET select target in a loop, nothing else, so that perf or strace can be
/// attached to it (e.g. <c>DOTNET_PerfMapEnabled=1 perf record -g dotnet Selectors.Benchmarks.dll profile epoll-list 1000 5</c>).
/// TARGET: epoll-span, epoll-list, epoll-wait, poll-span, poll-list.
/// </summary>
internal static class ProfileCommand
{
    public static int Run(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: profile epoll-span|epoll-list|epoll-wait|poll-span|poll-list N SECONDS");
            return 2;
        }

        int n = int.Parse(args[1], CultureInfo.InvariantCulture);
        double seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
        using var fixture = new UdpFixture(n, DotnetMicro.Ready);
        var buffer = new (SelectorKey Key, SelectorEvents Events)[n];
        BaseSelector? selector = args[0].StartsWith("poll", StringComparison.Ordinal) ? new PollSelector()
            : args[0] == "epoll-wait" ? null : new EpollSelector();
        using var instance = new EpollInstance();
        var events = new EpollEvent[n];
        foreach (Socket socket in fixture.Sockets)
        {
            if (selector is null)
            {
                instance.Register((int)socket.Handle, EpollEvents.In);
            }
            else
            {
                selector.Register(socket, SelectorEvents.Read);
            }
        }

        Func<int> operation = args[0] switch
        {
            "epoll-wait" => () => instance.Wait(events, 0),
            "epoll-span" or "poll-span" => () => selector!.Select(buffer, 0),
            _ => () => DotnetMicro.WalkSelectList(selector!), // the list walked, as compare measures it
        };
        var (ns, bytes) = MicroTimer.Measure(operation, seconds, warmupSeconds: 1.0);
        Console.Out.WriteLine(FormattableString.Invariant($"{args[0]} N={n}: {ns:0} ns/call, {bytes:0} B/call"));
        selector?.Dispose();
        return 0;
    }
}
