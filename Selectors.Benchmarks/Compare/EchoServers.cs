using System.Collections.Generic;

namespace Selectors.Benchmarks.Compare;

/// <summary>An echo server under test: a name for the tables and the command that starts it on an OS-chosen port.</summary>
/// <param name="Name">The name in the tables.</param>
/// <param name="File">The program.</param>
/// <param name="Args">Its arguments.</param>
/// <param name="Environment">Extra environment variables, or null.</param>
internal sealed record EchoServer(string Name, string File, string[] Args, string[]? Environment = null)
{
    /// <summary>
    /// The same example with tiered compilation's call-counting delay off. Pinned to one busy core, the runtime's
    /// delay before promoting hot methods keeps being extended, so the loop runs unoptimised (tier-0) code for
    /// seconds; this row shows what the library costs once its code is optimised. Not used for the targets.
    /// </summary>
    public const string OursNoTieringDelay = "Selectors echo, DOTNET_TC_CallCountingDelayMs=0";

    public const string CEpoll = "C epoll";
    public const string Ours = "Selectors echo (DefaultSelector)";
    public const string OursAsync = "Selectors echo --async (coroutines)";
    public const string CPython = "CPython selectors";
    public const string DotnetAsync = ".NET async sockets";
    public const string DotnetSelect = ".NET Socket.Select loop";

    /// <summary>Every server, C epoll first (the reference of every ratio).</summary>
    public static List<EchoServer> All(PeerBuild peers) =>
    [
        new(CEpoll, peers.Binary("echo_epoll"), ["0"]),
        // The example exactly as a user runs it (README: `echo --port`); port 0 lets the OS choose. One loop, as every
        // peer here has one: `compare --loops` measures more (LoopsScaling).
        new(Ours, "dotnet", OursArgs(1)),
        new(OursNoTieringDelay, "dotnet", OursArgs(1), ["DOTNET_TC_CallCountingDelayMs=0"]),
        // The same server as coroutines on SelectorLoop (SockAcceptAsync, SockRecvAsync, SockSendAllAsync).
        new(OursAsync, "dotnet", [RepoPaths.ExamplesDll, "echo", "--async", "--port", "0"]),
        new(CPython, "python3", [PeerBuild.PythonScript("echo_selectors.py"), "0"]),
        new(DotnetAsync, "dotnet", [RepoPaths.BenchmarksDll, "async-echo", "--port", "0"]),
        new(DotnetSelect, "dotnet", [RepoPaths.BenchmarksDll, "select-echo", "--port", "0"]),
    ];

    /// <summary>The echo example's command line with <paramref name="loops"/> loops.</summary>
    public static string[] OursArgs(int loops) =>
        [RepoPaths.ExamplesDll, "echo", "--port", "0", "--loops", loops.ToString(System.Globalization.CultureInfo.InvariantCulture)];
}
