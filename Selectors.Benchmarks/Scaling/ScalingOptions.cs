using System;
using System.Linq;

namespace Selectors.Benchmarks.Scaling;

/// <summary>The <c>scaling</c> command's options.</summary>
/// <param name="Backends">The backends measured, by name, in the order given; the first is the one the others are compared with.</param>
/// <param name="Sizes">The registered-socket counts measured, ascending; growth is the last one's time over the first's.</param>
/// <param name="WindowSeconds">Length of one timed window.</param>
/// <param name="Windows">Timed windows per backend, size and Select shape; the least disturbed one is kept.</param>
internal sealed record ScalingOptions(string[] Backends, int[] Sizes, double WindowSeconds, int Windows)
{
    /// <summary>The option list, for the usage text.</summary>
    public const string Usage = "scaling [--backends select,afd] [--sizes 10,2000] [--seconds S] [--windows N]";

    /// <summary>The sockets ready in every size: the first size must hold at least this many.</summary>
    public const int Ready = 10;

    // Each size registers that many accepted sockets and holds their peers too: 2 descriptors a size unit.
    private const int MaxSize = 5000;

    /// <summary>Parses <paramref name="args"/>; every option has a default (select and afd, N = 10 and 2,000, 3 windows of 0.2 s).</summary>
    /// <exception cref="FormatException">An unknown option, a missing or malformed value, or a value out of range.</exception>
    public static ScalingOptions Parse(string[] args)
    {
        var options = new ScalingOptions(["select", "afd"], [10, 2000], 0.2, 3);
        for (int i = 0; i < args.Length; i += 2)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new FormatException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--backends" => options with { Backends = List(value).Select(Backend).Distinct().ToArray() },
                "--sizes" => options with { Sizes = List(value).Select(s => OptionValues.Number("--sizes", s, Ready, MaxSize)).Distinct().Order().ToArray() },
                "--seconds" => options with { WindowSeconds = OptionValues.Seconds(args[i], value) },
                "--windows" => options with { Windows = OptionValues.Number(args[i], value, 1, 100) },
                _ => throw new FormatException($"unknown option {args[i]}"),
            };
        }

        return options;
    }

    private static string[] List(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } items
            ? items
            : throw new FormatException($"an empty list: '{value}'");

    // The canonical lower-case name, so that lines and tables read the same whatever case was typed.
    private static string Backend(string name) =>
        SelectorBackends.TryParse(name, out SelectorBackend backend)
            ? SelectorBackends.Name(backend)
            : throw new FormatException($"--backends: names from {string.Join(", ", SelectorBackends.Names)}");
}
