using System;

namespace Selectors.Benchmarks.Soak;

/// <summary>The <c>soak</c> command's options.</summary>
/// <param name="Connections">Connections kept open at once.</param>
/// <param name="Seconds">Length of the measured round.</param>
/// <param name="WarmupSeconds">Length of the warm-up round before it.</param>
/// <param name="Backend">The echo example's <c>--backend</c>.</param>
/// <param name="Port">The echo example's <c>--port</c>; 0 lets the OS choose.</param>
/// <param name="Seed">Fixes message sizes, chunk sizes and payloads.</param>
internal sealed record SoakOptions(int Connections, double Seconds, double WarmupSeconds, string Backend, int Port, int Seed)
{
    /// <summary>The option list, for the usage text.</summary>
    public const string Usage =
        "soak [--connections N] [--seconds S] [--warmup S] [--backend default|epoll|poll|select] [--port P] [--seed N]";

    private static readonly string[] Backends = ["default", .. SelectorBackends.Names];

    /// <summary>Parses <paramref name="args"/>; every option has a default (4000 connections, 120 s).</summary>
    /// <exception cref="FormatException">An unknown option, a missing or malformed value, or a value out of range.</exception>
    public static SoakOptions Parse(string[] args)
    {
        var options = new SoakOptions(4000, 120, -1, "default", 0, 1);
        for (int i = 0; i < args.Length; i += 2)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new FormatException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--connections" => options with { Connections = OptionValues.Number(args[i], value, 1, 15_000) },
                "--seconds" => options with { Seconds = OptionValues.Seconds(args[i], value) },
                "--warmup" => options with { WarmupSeconds = OptionValues.Seconds(args[i], value) },
                "--backend" => options with { Backend = Array.IndexOf(Backends, value) >= 0 ? value : throw new FormatException($"--backend: one of {string.Join(", ", Backends)}") },
                "--port" => options with { Port = OptionValues.Number(args[i], value, 0, 65_535) },
                "--seed" => options with { Seed = OptionValues.Number(args[i], value, int.MinValue, int.MaxValue) },
                _ => throw new FormatException($"unknown option {args[i]}"),
            };
        }

        // The warm-up must take the server through the same peak as the round it is compared with, and long enough
        // for the JIT to have compiled the loop's hot paths: a sixth of the round, 5 to 20 s, unless given.
        return options.WarmupSeconds >= 0 ? options : options with { WarmupSeconds = Math.Clamp(options.Seconds / 6, 5, 20) };
    }
}
