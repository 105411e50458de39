using System;
using System.Globalization;
using Selectors.Benchmarks.Bdn;
using Selectors.Benchmarks.Compare;
using Selectors.Benchmarks.Micro;
using Selectors.Benchmarks.Scaling;
using Selectors.Benchmarks.Servers;
using Selectors.Benchmarks.Soak;

namespace Selectors.Benchmarks;

/// <summary>
/// The entry point. Subcommands: <c>bdn</c> (BenchmarkDotNet suites), <c>compare [--quick] [--no-strace]</c> (everything
/// against C, CPython and .NET peers), <c>compare --loops [--quick]</c> (the echo example from 1 to N loops),
/// <c>soak</c> (the echo example under sustained load, checked for lost bytes and leaks), <c>scaling</c> (one Select's
/// cost as registered sockets grow and ready ones do not, per backend), and the two .NET peer servers
/// <c>compare</c> starts, <c>async-echo</c> and <c>select-echo</c>.
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: Selectors.Benchmarks COMMAND\n"
        + "  bdn [BenchmarkDotNet options, e.g. --filter *EpollSelector*]   BenchmarkDotNet suites, per backend\n"
        + "  compare [--quick] [--no-strace]   C, CPython and .NET peers side by side; writes docs/benchmarks.md (--quick: BenchmarkDotNet.Artifacts/compare-quick/)\n"
        + "  compare --loops [--quick]         the echo example with --loops 1 to N (N = processor count); its section of docs/benchmarks.md\n"
        + "  " + SoakOptions.Usage + "\n"
        + "      the echo example loaded with checksummed random traffic (default 4000 connections, 120 s); fails on a lost\n"
        + "      or corrupted byte, a dropped connection, or descriptors or memory more than 5% above the warm-up's\n"
        + "  profile TARGET N SECONDS          one .NET select target in a loop, to attach perf or strace to\n"
        + "  " + ScalingOptions.Usage + "\n"
        + "      one Select's time with 10 of N loopback sockets ready, per backend, and its growth from the smallest N to\n"
        + "      the largest (default: select and afd, N = 10 and 2,000; afd is skipped outside Windows)\n"
        + "  async-echo [--port PORT]          the .NET async-socket echo server (a peer)\n"
        + "  select-echo [--port PORT]         the .NET Socket.Select echo loop (a peer)\n";

    private static int Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : string.Empty;
        string[] rest = args.Length > 0 ? args[1..] : [];
        switch (command)
        {
            case "bdn":
                return BdnCommand.Run(rest);
            case "compare":
                return CompareCommand.Run(rest);
            case "soak":
                return SoakCommand.Run(rest);
            case "profile":
                return ProfileCommand.Run(rest);
            case "scaling":
                return ScalingCommand.Run(rest);
            case "async-echo":
                return AsyncEchoServer.Run(Port(rest));
            case "select-echo":
                return SocketSelectEchoServer.Run(Port(rest));
            case "--help" or "-h" or "help":
                Console.Out.Write(Usage);
                return 0;
            default:
                Console.Error.Write(Usage);
                return 2;
        }
    }

    private static int Port(string[] args)
    {
        int i = Array.IndexOf(args, "--port");
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 0;
    }
}
