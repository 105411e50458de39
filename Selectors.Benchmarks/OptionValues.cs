using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;

namespace Selectors.Benchmarks;

/// <summary>The commands' option values, read the same way everywhere: invariant culture, range-checked, one message per kind.</summary>
internal static class OptionValues
{
    /// <summary>
    /// Parses a command's options with <paramref name="parse"/>; when they are wrong, writes what is wrong and the
    /// command's usage to <paramref name="errors"/> and returns false (the command then exits with 2).
    /// </summary>
    /// <param name="command">The command's name, which starts the message.</param>
    /// <param name="usage">The command's option list.</param>
    /// <param name="parse">Reads the options; throws <see cref="FormatException"/> on a wrong one.</param>
    /// <param name="args">The arguments after the command's name.</param>
    /// <param name="errors">Where a wrong option is told.</param>
    /// <param name="options">The options, when they were right.</param>
    public static bool TryParse<T>(string command, string usage, Func<string[], T> parse, string[] args, TextWriter errors, [NotNullWhen(true)] out T? options)
        where T : class
    {
        try
        {
            options = parse(args);
            return true;
        }
        catch (FormatException e)
        {
            errors.WriteLine($"{command}: {e.Message}\nusage: Selectors.Benchmarks {usage}");
            options = null;
            return false;
        }
    }

    /// <summary>A whole number from <paramref name="least"/> to <paramref name="most"/>.</summary>
    /// <exception cref="FormatException">Malformed or out of range; the message names the option.</exception>
    public static int Number(string name, string value, int least, int most) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= least && n <= most
            ? n
            : throw new FormatException($"{name}: a whole number from {least} to {most}");

    /// <summary>A duration in seconds, 0 to a day.</summary>
    /// <exception cref="FormatException">Malformed or out of range; the message names the option.</exception>
    public static double Seconds(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0 && s <= 86_400
            ? s
            : throw new FormatException($"{name}: seconds, 0 to 86400");
}
