using System;
using System.Threading;

namespace Selectors;

/// <summary>Turns a Select timeout into <see cref="TimeSpan"/> ticks: -1 waits forever, 0 polls, a positive value waits.</summary>
internal static class SelectTimeout
{
    internal const long Infinite = -1;

    internal static long ToTicks(TimeSpan? timeout) => timeout switch
    {
        null => Infinite,
        { } t when t == Timeout.InfiniteTimeSpan => Infinite,
        { } t when t <= TimeSpan.Zero => 0,
        { } t => t.Ticks,
    };

    /// <exception cref="ArgumentException"><paramref name="seconds"/> is NaN.</exception>
    internal static long ToTicks(double seconds)
    {
        if (double.IsNaN(seconds))
        {
            throw new ArgumentException("The timeout is NaN (not a number).", "timeoutSeconds");
        }

        if (double.IsPositiveInfinity(seconds))
        {
            return Infinite;
        }

        if (seconds <= 0)
        {
            return 0;
        }

        // Round up, so a tiny positive timeout still waits; beyond TimeSpan's range the wait is simply very long.
        double ticks = Math.Ceiling(seconds * TimeSpan.TicksPerSecond);
        return ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue.Ticks : (long)ticks;
    }

    /// <summary>Ticks left until <paramref name="timeoutTicks"/> after <paramref name="elapsedTicks"/>, in whole units rounded up, at most int.MaxValue.</summary>
    internal static int RemainingUnits(long timeoutTicks, long elapsedTicks, long ticksPerUnit)
    {
        long remaining = timeoutTicks - elapsedTicks;
        if (remaining <= 0)
        {
            return 0;
        }

        long units = remaining / ticksPerUnit + (remaining % ticksPerUnit != 0 ? 1 : 0);
        return (int)Math.Min(units, int.MaxValue);
    }
}
