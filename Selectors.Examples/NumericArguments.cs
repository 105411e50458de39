using System;
using System.Globalization;

namespace Selectors.Examples;

/// <summary>
/// Number-valued options (<c>--backlog 512</c>, <c>--idle-timeout 2.5</c>), as extensions so <see cref="Arguments"/>
/// stays as it is: each getter checks its range where the example reads it, like <see cref="Arguments.Port"/>.
/// </summary>
internal static class NumericArguments
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    /// <exception cref="UsageException">Not a whole number in that range.</exception>
    public static int Integer(this Arguments args, string name, int fallback, int min, int max)
    {
        string text = args.Text(name, fallback.ToString(CultureInfo.InvariantCulture));
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name}: '{text}' is not a whole number from {min} to {max}");
    }

    /// <summary>A duration in seconds (fractions allowed) from 0 to <paramref name="maxSeconds"/>.</summary>
    /// <exception cref="UsageException">Not a number in that range.</exception>
    public static TimeSpan Seconds(this Arguments args, string name, double fallback, double maxSeconds)
    {
        string text = args.Text(name, fallback.ToString(CultureInfo.InvariantCulture));
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) && seconds <= maxSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException($"{name}: '{text}' is not a number of seconds from 0 to {maxSeconds}");
    }
}
