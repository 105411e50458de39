using System;
using System.Diagnostics;
using System.Threading;

namespace Selectors;

/// <summary>
/// The end of a wait on the monotonic clock (<see cref="Stopwatch"/>), so that changing the wall clock moves no
/// deadline and a wait that is interrupted or chunked resumes with only the time that remains. It is infinite, a poll
/// (zero: check once, do not wait) or a positive timeout. Remaining times are rounded up, so that a wait never ends
/// before its deadline and a tiny timeout never becomes a poll.
/// </summary>
/// <remarks>Compiled into each assembly that waits (from Common), as a struct: building and reading one allocates nothing.</remarks>
internal readonly struct Deadline
{
    /// <summary>The timeout, in ticks, of a wait that never ends.</summary>
    internal const long Infinite = -1;

    private readonly long _start;

    private Deadline(long timeoutTicks)
    {
        TimeoutTicks = timeoutTicks;
        _start = timeoutTicks > 0 ? Stopwatch.GetTimestamp() : 0;
    }

    /// <summary>The whole timeout in <see cref="TimeSpan"/> ticks: <see cref="Infinite"/>, 0 for a poll, or positive.</summary>
    internal long TimeoutTicks { get; }

    /// <summary>Whether the wait never ends.</summary>
    internal bool IsInfinite => TimeoutTicks == Infinite;

    /// <summary>
    /// Whether a positive timeout has run out. A poll never has: it still checks once, however late.
    /// </summary>
    internal bool HasExpired => TimeoutTicks > 0 && ElapsedTicks >= TimeoutTicks;

    private long ElapsedTicks => TimeoutTicks > 0 ? Stopwatch.GetElapsedTime(_start).Ticks : 0;

    /// <summary>A deadline <paramref name="timeout"/> from now: null or <see cref="Timeout.InfiniteTimeSpan"/> is infinite; zero or negative polls.</summary>
    internal static Deadline After(TimeSpan? timeout) => new(ToTicks(timeout));

    /// <summary>A deadline <paramref name="timeoutSeconds"/> from now: positive infinity is infinite; zero or negative polls.</summary>
    /// <exception cref="ArgumentException"><paramref name="timeoutSeconds"/> is NaN.</exception>
    internal static Deadline AfterSeconds(double timeoutSeconds) => new(ToTicks(timeoutSeconds));

    /// <summary>A deadline <paramref name="timeoutTicks"/> from now: negative is infinite, zero polls.</summary>
    internal static Deadline AfterTicks(long timeoutTicks) => new(timeoutTicks < 0 ? Infinite : timeoutTicks);

    /// <summary>A deadline <paramref name="timeoutMilliseconds"/> from now, as poll(2) reads it: negative is infinite, zero polls.</summary>
    internal static Deadline AfterMilliseconds(int timeoutMilliseconds) =>
        AfterTicks(timeoutMilliseconds < 0 ? Infinite : timeoutMilliseconds * TimeSpan.TicksPerMillisecond);

    /// <summary>A deadline <paramref name="timeoutMicroseconds"/> from now: negative is infinite, zero polls, the very long are capped at <see cref="TimeSpan.MaxValue"/>.</summary>
    internal static Deadline AfterMicroseconds(long timeoutMicroseconds) =>
        AfterTicks(timeoutMicroseconds < 0 ? Infinite
            : timeoutMicroseconds >= TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMicrosecond ? TimeSpan.MaxValue.Ticks
            : timeoutMicroseconds * TimeSpan.TicksPerMicrosecond);

    /// <summary>
    /// The whole timeout in units of <paramref name="ticksPerUnit"/> ticks, rounded up and at most <see cref="int.MaxValue"/>;
    /// -1 when infinite. The first wait takes this, not the time remaining, so that a timeout shorter than the time it
    /// takes to start waiting (1 tick, say) still waits, rounded up, instead of becoming a poll.
    /// </summary>
    internal int TimeoutUnits(long ticksPerUnit) => IsInfinite ? -1 : UnitsLeft(TimeoutTicks, 0, ticksPerUnit);

    /// <summary>Ticks left: -1 when infinite, else 0 or more.</summary>
    internal long RemainingTicks() => IsInfinite ? Infinite : Math.Max(0, TimeoutTicks - ElapsedTicks);

    /// <summary>Whole milliseconds left, rounded up and at most <see cref="int.MaxValue"/> (longer waits go in chunks); -1 when infinite.</summary>
    internal int RemainingMilliseconds() => RemainingUnits(TimeSpan.TicksPerMillisecond);

    /// <summary>Whole microseconds left, rounded up; -1 when infinite.</summary>
    internal long RemainingMicroseconds() => IsInfinite ? Infinite : LongUnitsLeft(TimeoutTicks, ElapsedTicks, TimeSpan.TicksPerMicrosecond);

    /// <summary>Whole units of <paramref name="ticksPerUnit"/> ticks left, rounded up and at most <see cref="int.MaxValue"/>; -1 when infinite.</summary>
    internal int RemainingUnits(long ticksPerUnit) => IsInfinite ? -1 : UnitsLeft(TimeoutTicks, ElapsedTicks, ticksPerUnit);

    /// <summary>A Select timeout in ticks: <see cref="Infinite"/> for null or <see cref="Timeout.InfiniteTimeSpan"/>, 0 for zero or negative.</summary>
    internal static long ToTicks(TimeSpan? timeout) => timeout switch
    {
        null => Infinite,
        { } t when t == Timeout.InfiniteTimeSpan => Infinite,
        { } t when t <= TimeSpan.Zero => 0,
        { } t => t.Ticks,
    };

    /// <summary>A Select timeout in ticks from seconds: <see cref="Infinite"/> for positive infinity, 0 for zero or negative, else rounded up.</summary>
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

    /// <summary>
    /// The <see cref="Stopwatch"/> timestamp <paramref name="delay"/> after <paramref name="now"/>, rounded up, so that
    /// whatever is due then is never early; <paramref name="now"/> for a zero or negative delay; <see cref="long.MaxValue"/>
    /// beyond the clock's range. For a schedule of many deadlines (a loop's timers), which must be ordered in time.
    /// </summary>
    internal static long TimestampAfter(long now, TimeSpan delay)
    {
        long ticks = ToStopwatchTicks(delay);
        return ticks > long.MaxValue - now ? long.MaxValue : now + ticks;
    }

    /// <summary>
    /// <see cref="TimeSpan"/> ticks from <paramref name="now"/> until the <see cref="Stopwatch"/> timestamp
    /// <paramref name="dueTimestamp"/>, rounded up so that a wait for it never ends before it is due; 0 once it has passed.
    /// </summary>
    internal static long TicksUntil(long dueTimestamp, long now) => dueTimestamp <= now ? 0 : ToTimeSpanTicks(dueTimestamp - now);

    /// <summary>Ticks left until <paramref name="timeoutTicks"/> after <paramref name="elapsedTicks"/>, in whole units rounded up, at most int.MaxValue.</summary>
    internal static int UnitsLeft(long timeoutTicks, long elapsedTicks, long ticksPerUnit) =>
        (int)Math.Min(LongUnitsLeft(timeoutTicks, elapsedTicks, ticksPerUnit), int.MaxValue);

    private static long LongUnitsLeft(long timeoutTicks, long elapsedTicks, long ticksPerUnit)
    {
        long remaining = timeoutTicks - elapsedTicks;
        return remaining <= 0 ? 0 : remaining / ticksPerUnit + (remaining % ticksPerUnit != 0 ? 1 : 0);
    }

    /// <summary><paramref name="delay"/> in Stopwatch ticks, rounded up; 0 for a negative delay.</summary>
    private static long ToStopwatchTicks(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return 0;
        }

        // Whole seconds and the rest apart, so neither product overflows; a delay beyond the clock's range saturates.
        long seconds = delay.Ticks / TimeSpan.TicksPerSecond;
        long rest = delay.Ticks % TimeSpan.TicksPerSecond;
        if (seconds >= long.MaxValue / Stopwatch.Frequency - 1)
        {
            return long.MaxValue;
        }

        return seconds * Stopwatch.Frequency + ((rest * Stopwatch.Frequency) + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
    }

    /// <summary>Stopwatch ticks in <see cref="TimeSpan"/> ticks, rounded up, at most <see cref="TimeSpan.MaxValue"/>.</summary>
    private static long ToTimeSpanTicks(long stopwatchTicks)
    {
        long seconds = stopwatchTicks / Stopwatch.Frequency;
        long rest = stopwatchTicks % Stopwatch.Frequency;
        if (seconds >= TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerSecond)
        {
            return TimeSpan.MaxValue.Ticks;
        }

        return seconds * TimeSpan.TicksPerSecond + ((rest * TimeSpan.TicksPerSecond) + Stopwatch.Frequency - 1) / Stopwatch.Frequency;
    }
}
