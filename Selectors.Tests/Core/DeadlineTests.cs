using System;
using System.Diagnostics;
using System.Threading;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Core;

/// <summary>
/// The one monotonic deadline behind every wait (docs/design.md "Select semantics"): infinite, poll or timed; remaining
/// time rounded up in each unit; built from a TimeSpan, seconds, milliseconds or microseconds by the Select rules.
/// </summary>
public sealed class DeadlineTests
{
    private const long Ms = TimeSpan.TicksPerMillisecond;
    private const long Us = TimeSpan.TicksPerMicrosecond;

    private static readonly Deadline[] Infinites =
    [
        Deadline.After(null),
        Deadline.After(Timeout.InfiniteTimeSpan),
        Deadline.AfterSeconds(double.PositiveInfinity),
        Deadline.AfterMilliseconds(-1),
        Deadline.AfterMilliseconds(-7),
        Deadline.AfterMicroseconds(-1),
    ];

    private static readonly Deadline[] Polls =
    [
        Deadline.After(TimeSpan.Zero),
        Deadline.After(TimeSpan.FromMilliseconds(-2)),
        Deadline.After(TimeSpan.MinValue),
        Deadline.AfterSeconds(0.0),
        Deadline.AfterSeconds(-1.0),
        Deadline.AfterSeconds(double.NegativeInfinity),
        Deadline.AfterMilliseconds(0),
        Deadline.AfterMicroseconds(0),
    ];

    [Test]
    public void Infinite_HasNoRemainingTime_AndNeverExpires([Range(0, 5)] int index)
    {
        Deadline deadline = Infinites[index];
        deadline.IsInfinite.Should().BeTrue();
        deadline.HasExpired.Should().BeFalse();
        deadline.TimeoutUnits(Ms).Should().Be(-1);
        deadline.RemainingMilliseconds().Should().Be(-1, "poll(2) and epoll_wait(2) read -1 as forever");
        deadline.RemainingMicroseconds().Should().Be(-1);
        deadline.RemainingTicks().Should().Be(-1);
    }

    [Test]
    public void ZeroOrNegative_IsAPoll_ThatNeverExpires([Range(0, 7)] int index)
    {
        Deadline deadline = Polls[index];
        deadline.IsInfinite.Should().BeFalse();
        deadline.TimeoutTicks.Should().Be(0);
        deadline.HasExpired.Should().BeFalse("a poll still checks once, however late");
        deadline.TimeoutUnits(Ms).Should().Be(0);
        deadline.RemainingMilliseconds().Should().Be(0);
        deadline.RemainingMicroseconds().Should().Be(0);
        deadline.RemainingTicks().Should().Be(0);
    }

    [Test]
    public void Seconds_NaN_IsRejected() =>
        FluentActions.Invoking(() => Deadline.AfterSeconds(double.NaN))
            .Should().Throw<ArgumentException>().WithParameterName("timeoutSeconds");

    [Test]
    public void Seconds_RoundUpToWholeTicks_AndCapAtTimeSpanMaxValue()
    {
        Deadline.AfterSeconds(1e-9).TimeoutTicks.Should().Be(1, "a tiny positive timeout still waits");
        Deadline.AfterSeconds(0.25).TimeoutTicks.Should().Be(250 * Ms);
        Deadline.AfterSeconds(1e300).TimeoutTicks.Should().Be(TimeSpan.MaxValue.Ticks);
    }

    [Test]
    public void OtherUnits_ConvertExactly_AndCapAtTimeSpanMaxValue()
    {
        Deadline.After(TimeSpan.FromSeconds(2)).TimeoutTicks.Should().Be(2 * TimeSpan.TicksPerSecond);
        Deadline.AfterMilliseconds(250).TimeoutTicks.Should().Be(250 * Ms);
        Deadline.AfterMicroseconds(3).TimeoutTicks.Should().Be(3 * Us);
        Deadline.AfterMicroseconds(long.MaxValue).TimeoutTicks.Should().Be(TimeSpan.MaxValue.Ticks);
        Deadline.AfterTicks(-5).IsInfinite.Should().BeTrue();
    }

    [Test]
    public void FirstWait_TakesTheWholeTimeout_RoundedUp_EvenIfItHasAlreadyRunOut()
    {
        Deadline deadline = Deadline.AfterTicks(1);
        SpinWait.SpinUntil(() => deadline.HasExpired);

        deadline.TimeoutUnits(Ms).Should().Be(1, "a 1-tick timeout waits one millisecond, not zero");
        deadline.TimeoutUnits(Us).Should().Be(1);
        Deadline.AfterTicks(Ms + 1).TimeoutUnits(Ms).Should().Be(2);
        Deadline.After(TimeSpan.MaxValue).TimeoutUnits(Ms).Should().Be(int.MaxValue);
    }

    [Test]
    public void RemainingTime_IsRoundedUp_InEachUnit()
    {
        Deadline deadline = Deadline.After(TimeSpan.FromTicks(TimeSpan.TicksPerSecond + 1));
        long ticksBefore = deadline.RemainingTicks();
        int milliseconds = deadline.RemainingMilliseconds();
        long microseconds = deadline.RemainingMicroseconds();
        long ticksAfter = deadline.RemainingTicks();

        // Each reading was taken between the two tick readings, and the time left only shrinks.
        ticksBefore.Should().BeInRange(1, TimeSpan.TicksPerSecond + 1);
        (milliseconds * Ms).Should().BeGreaterThanOrEqualTo(ticksAfter, "rounded up: never shorter than the time left");
        ((milliseconds - 1) * Ms).Should().BeLessThan(ticksBefore, "by less than one unit");
        (microseconds * Us).Should().BeGreaterThanOrEqualTo(ticksAfter);
        ((microseconds - 1) * Us).Should().BeLessThan(ticksBefore);
    }

    [Test]
    public void VeryLongWait_CapsMilliseconds_AtIntMaxValue_ForTheCallerToChunk()
    {
        Deadline deadline = Deadline.After(TimeSpan.MaxValue);
        deadline.RemainingMilliseconds().Should().Be(int.MaxValue);
        deadline.RemainingUnits(1).Should().Be(int.MaxValue);
        deadline.RemainingMicroseconds().Should().BeGreaterThan(int.MaxValue, "microseconds are a long: Socket.Select's waits are sliced, not capped");
    }

    [Test]
    public void TimedDeadline_Expires_OnTheMonotonicClock()
    {
        Deadline deadline = Deadline.After(TimeSpan.FromTicks(Ms));
        deadline.HasExpired.Should().BeFalse();
        var clock = Stopwatch.StartNew();
        SpinWait.SpinUntil(() => clock.Elapsed > TimeSpan.FromMilliseconds(2));

        deadline.HasExpired.Should().BeTrue();
        deadline.RemainingMilliseconds().Should().Be(0);
        deadline.RemainingMicroseconds().Should().Be(0);
        deadline.RemainingTicks().Should().Be(0);
    }

    [Test]
    public void Timestamps_ForAScheduleOfTimers_RoundUp_AndSaturate()
    {
        const long now = 1_000_000;
        Deadline.TimestampAfter(now, TimeSpan.Zero).Should().Be(now, "a zero delay is due at once");
        Deadline.TimestampAfter(now, TimeSpan.FromSeconds(-1)).Should().Be(now);
        Deadline.TimestampAfter(now, TimeSpan.FromTicks(1)).Should().BeGreaterThan(now, "a positive delay is never due at once");
        Deadline.TimestampAfter(now, TimeSpan.FromSeconds(1)).Should().Be(now + Stopwatch.Frequency);
        Deadline.TimestampAfter(now, TimeSpan.MaxValue).Should().Be(long.MaxValue);
        Deadline.TimestampAfter(long.MaxValue - 5, TimeSpan.FromSeconds(1)).Should().Be(long.MaxValue);

        Deadline.TicksUntil(now - 1, now).Should().Be(0);
        Deadline.TicksUntil(now, now).Should().Be(0);
        Deadline.TicksUntil(now + 1, now).Should().BePositive("a wait for a timer never ends before it is due");
        Deadline.TicksUntil(now + Stopwatch.Frequency, now).Should().Be(TimeSpan.TicksPerSecond);
        Deadline.TicksUntil(long.MaxValue, 0).Should().BeInRange(
            long.MaxValue / Stopwatch.Frequency * TimeSpan.TicksPerSecond, TimeSpan.MaxValue.Ticks, "the clock's whole range, without overflow");
        foreach (long ticks in new[] { 1L, 7L, Ms + 1, 3 * TimeSpan.TicksPerSecond + 1 })
        {
            long due = Deadline.TimestampAfter(now, TimeSpan.FromTicks(ticks));
            Deadline.TicksUntil(due, now).Should().BeGreaterThanOrEqualTo(ticks, "there and back never shortens a wait");
        }
    }

    [Test]
    public void BuildingAndReading_AllocateNothing()
    {
        long total = 0;
        long allocated = Allocations.Least(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                Deadline deadline = Deadline.After(TimeSpan.FromSeconds(1));
                total += deadline.RemainingMilliseconds() + deadline.RemainingMicroseconds() + deadline.RemainingTicks();
                total += Deadline.AfterSeconds(0.5).RemainingUnits(Us);
            }
        });

        allocated.Should().Be(0);
        total.Should().BePositive();
    }
}
