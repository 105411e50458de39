using System;
using System.Globalization;

namespace Selectors.Examples;

/// <summary>Numeric options within bounds, for examples that take counts and durations.</summary>
internal static class ArgumentRanges
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    /// <exception cref="UsageException">Not a whole number in range.</exception>
    public static int Integer(this Arguments args, string name, int fallback, int min, int max)
    {
        string text = args.Text(name, fallback.ToString(CultureInfo.InvariantCulture));
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name}: '{text}' is not a whole number from {min} to {max}");
    }

    /// <summary>A decimal number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    /// <exception cref="UsageException">Not a number in range.</exception>
    public static double Number(this Arguments args, string name, double fallback, double min, double max)
    {
        string text = args.Text(name, fallback.ToString(CultureInfo.InvariantCulture));
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name}: '{text}' is not a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>A duration in seconds (fractions allowed) from 0 to <paramref name="maxSeconds"/>.</summary>
    /// <exception cref="UsageException">Not a number in that range.</exception>
    public static TimeSpan Seconds(this Arguments args, string name, double fallback, double maxSeconds) =>
        TimeSpan.FromSeconds(args.Number(name, fallback, 0, maxSeconds));
}
