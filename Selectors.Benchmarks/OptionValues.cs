using System;
using System.Globalization;

namespace Selectors.Benchmarks;

/// <summary>The commands' option values, read the same way everywhere: invariant culture, range-checked, one message per kind.</summary>
internal static class OptionValues
{
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
