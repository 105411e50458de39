using System;

namespace Selectors.Examples;

/// <summary>
/// <c>--loops N</c> of the echo and http examples: how many loops serve the port, each its own selector, thread and
/// SO_REUSEPORT listener (<see cref="LoopGroup"/>).
/// </summary>
internal static class LoopsOption
{
    /// <summary>More loops than this is surely a typo; each costs a thread, a selector and a listener.</summary>
    private const int Max = 1024;

    /// <summary><c>--loops N</c>.</summary>
    public static Option Option { get; } = new(
        "--loops",
        "N",
        $"event loops, each on its own thread with its own selector and SO_REUSEPORT listener on the same port, 1-{Max}; "
        + "the kernel spreads connections over them (default: the processor count; 1 on Windows, which has no SO_REUSEPORT)");

    /// <summary>The loop count: <c>--loops</c>, or one per processor where the OS can share a port.</summary>
    /// <exception cref="UsageException">Not a whole number from 1 to 1024, or more than 1 where SO_REUSEPORT is missing.</exception>
    public static int Count(Arguments args)
    {
        int loops = args.Integer(Option.Name, ReusePort.Supported ? Math.Min(Environment.ProcessorCount, Max) : 1, 1, Max);
        return loops == 1 || ReusePort.Supported
            ? loops
            : throw new UsageException($"{Option.Name} {loops}: this OS has no SO_REUSEPORT, so only one loop can listen on a port");
    }
}
