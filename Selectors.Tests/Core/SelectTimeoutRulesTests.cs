using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Core;

/// <summary>
/// docs/design.md "Select semantics" and spec J1–J5, per backend: what blocks, what polls, rounding up, NaN, very long waits.
/// A socket registered for reading (nothing to read) makes every backend really wait in the OS.
/// </summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.Backends))]
[NonParallelizable]
[Platform("Linux")]
public sealed class SelectTimeoutRulesTests(SelectorBackend backend)
{
    private BaseSelector _selector = null!;
    private Socket _a = null!;
    private Socket _b = null!;
    private SelectorKey _key = null!;

    [SetUp]
    public void SetUp()
    {
        (_a, _b) = Peers.SocketPair();
        _selector = SelectorFactory.Create(backend);
        _key = _selector.Register(_a, SelectorEvents.Read, "a");
    }

    [TearDown]
    public void TearDown()
    {
        _selector.Dispose();
        _a.Dispose();
        _b.Dispose();
    }

    public static IEnumerable<TestCaseData> Forever()
    {
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select())).SetArgDisplayNames("default (null)");
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select((TimeSpan?)null))).SetArgDisplayNames("null");
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select(Timeout.InfiniteTimeSpan))).SetArgDisplayNames("InfiniteTimeSpan");
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select(TimeSpan.FromMilliseconds(-1)))).SetArgDisplayNames("-1 ms");
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select(double.PositiveInfinity))).SetArgDisplayNames("+Infinity s");
    }

    public static IEnumerable<TestCaseData> VeryLong()
    {
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select(TimeSpan.FromDays(30)))).SetArgDisplayNames("30 days");
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select(TimeSpan.MaxValue))).SetArgDisplayNames("TimeSpan.MaxValue");
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select(3e6))).SetArgDisplayNames("3e6 s");
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select(1e10))).SetArgDisplayNames("1e10 s");
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select(double.MaxValue))).SetArgDisplayNames("double.MaxValue s");
    }

    [TestCaseSource(nameof(Forever))]
    public void J1_NullInfiniteAndPositiveInfinity_Block_UntilDataArrives(Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>> select) =>
        AssertWokenByData(select);

    [TestCaseSource(nameof(VeryLong))]
    public void J4_VeryLongTimeouts_DoNotThrow_AndWaitForData(Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>> select) =>
        AssertWokenByData(select);

    public static IEnumerable<TestCaseData> PollingTimeSpans() => new[]
    {
        TimeSpan.Zero, TimeSpan.FromTicks(-1), TimeSpan.FromMilliseconds(-2), TimeSpan.FromSeconds(-1), TimeSpan.MinValue,
    }.Select(t => new TestCaseData(t).SetArgDisplayNames(t == TimeSpan.MinValue ? "MinValue" : $"{t.Ticks} ticks"));

    [TestCaseSource(nameof(PollingTimeSpans))]
    public void J1_ZeroAndNegativeTimeSpans_Poll(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        var ready = _selector.Select(timeout);
        watch.Stop();
        ready.Should().BeEmpty();
        watch.Elapsed.TotalSeconds.Should().BeLessThan(0.1);

        _b.Send(new byte[] { 1 });
        _selector.Select(timeout).Should().ContainSingle().Which.Should().Be((_key, SelectorEvents.Read), "a poll still reports what is ready");
    }

    [TestCase(0.0)]
    [TestCase(-0.0)]
    [TestCase(-1e-9)]
    [TestCase(-1.0)]
    [TestCase(double.NegativeInfinity)]
    [TestCase(double.MinValue)]
    public void J1_ZeroAndNegativeSeconds_Poll(double timeout)
    {
        var watch = Stopwatch.StartNew();
        var ready = _selector.Select(timeout);
        watch.Stop();
        ready.Should().BeEmpty();
        watch.Elapsed.TotalSeconds.Should().BeLessThan(0.1);
    }

    public static IEnumerable<TestCaseData> TinyPositive()
    {
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select(1e-9))).SetArgDisplayNames("1e-9 s");
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select(double.Epsilon))).SetArgDisplayNames("double.Epsilon s");
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select(TimeSpan.FromTicks(1)))).SetArgDisplayNames("1 tick");
        yield return new TestCaseData((Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>>)(s => s.Select(TimeSpan.FromMicroseconds(999)))).SetArgDisplayNames("999 us");
    }

    /// <summary>J2: a tiny positive timeout is rounded UP to the backend's resolution, never to a non-blocking poll.</summary>
    [TestCaseSource(nameof(TinyPositive))]
    public void J2_TinyPositiveTimeout_StillWaitsAtLeastOneMillisecond(Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>> select)
    {
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            var ready = select(_selector);
            watch.Stop();
            ready.Should().BeEmpty();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        TestContext.Out.WriteLine($"{backend}: {string.Join(", ", times.Select(t => t.ToString("F3")))} ms");
        times.Should().OnlyContain(t => t < 100);
        if (backend != SelectorBackend.Select)
        {
            times.Min().Should().BeGreaterThanOrEqualTo(0.9, "epoll/poll round a positive timeout up to a whole millisecond");
        }
        else
        {
            // docs/design.md: "a positive timeout waits at least that long ... rounded up, never down, to the backend's
            // resolution". Socket.Select on Linux is poll() underneath, so its resolution is a millisecond too.
            times.Min().Should().BeGreaterThanOrEqualTo(0.9, "Socket.Select truncates microseconds to milliseconds; the library must round up");
        }
    }

    /// <summary>J2/J3: a positive timeout waits at least that long (rounded up), not a whole unit less.</summary>
    [TestCase(0.0019)]
    [TestCase(0.0155)]
    [TestCase(0.05)]
    public void J3_PositiveTimeout_WaitsAtLeastTheTimeout(double seconds)
    {
        var times = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            _selector.Select(seconds).Should().BeEmpty();
            watch.Stop();
            times.Add(watch.Elapsed.TotalSeconds);
        }

        TestContext.Out.WriteLine($"{backend}: Select({seconds}) took {string.Join(", ", times.Select(t => (t * 1000).ToString("F3")))} ms");
        times.Min().Should().BeGreaterThanOrEqualTo(seconds * 0.98);
        times.Max().Should().BeLessThan(seconds + 0.5);
    }

    [Test]
    public void J4_NaN_IsAnArgumentException_AndChangesNothing()
    {
        FluentActions.Invoking(() => _selector.Select(double.NaN)).Should().Throw<ArgumentException>();
        _selector.GetKey(_a).Should().BeSameAs(_key);
        _b.Send(new byte[] { 1 });
        _selector.Select(0).Should().ContainSingle().Which.Should().Be((_key, SelectorEvents.Read));
    }

    [Test]
    public void M1_NothingRegistered_PositiveTimeout_SleepsForIt()
    {
        _selector.Unregister(_a);
        var watch = Stopwatch.StartNew();
        _selector.Select(0.2).Should().BeEmpty();
        watch.Stop();
        watch.Elapsed.TotalSeconds.Should().BeInRange(0.19, 1.5);
        _selector.Select(0).Should().BeEmpty();
    }

    private void AssertWokenByData(Func<BaseSelector, IReadOnlyList<(SelectorKey, SelectorEvents)>> select)
    {
        Thread writer = SelectorFactory.WriteLater(_b, TimeSpan.FromSeconds(0.2));
        var watch = Stopwatch.StartNew();
        var ready = select(_selector);
        watch.Stop();
        writer.Join(TimeSpan.FromSeconds(10)).Should().BeTrue();
        ready.Should().ContainSingle().Which.Should().Be((_key, SelectorEvents.Read));
        watch.Elapsed.TotalSeconds.Should().BeInRange(0.15, 5.0, "it blocked until the data arrived");
    }
}

/// <summary>Unit tests of the timeout arithmetic (SelectTimeout): rounding up, clamping, overflow safety.</summary>
[TestFixture]
public sealed class SelectTimeoutArithmeticTests
{
    private const long Ms = TimeSpan.TicksPerMillisecond;
    private const long Us = TimeSpan.TicksPerMicrosecond;

    [Test]
    public void J1_ToTicks_TimeSpan()
    {
        Deadline.ToTicks((TimeSpan?)null).Should().Be(Deadline.Infinite);
        Deadline.ToTicks(Timeout.InfiniteTimeSpan).Should().Be(Deadline.Infinite);
        Deadline.ToTicks(TimeSpan.Zero).Should().Be(0);
        Deadline.ToTicks(TimeSpan.FromTicks(-1)).Should().Be(0);
        Deadline.ToTicks(TimeSpan.FromMilliseconds(-2)).Should().Be(0);
        Deadline.ToTicks(TimeSpan.MinValue).Should().Be(0);
        Deadline.ToTicks(TimeSpan.FromTicks(1)).Should().Be(1);
        Deadline.ToTicks(TimeSpan.FromSeconds(2)).Should().Be(2 * TimeSpan.TicksPerSecond);
        Deadline.ToTicks(TimeSpan.MaxValue).Should().Be(TimeSpan.MaxValue.Ticks);
    }

    [Test]
    public void J1_J4_ToTicks_Seconds()
    {
        Deadline.ToTicks(double.PositiveInfinity).Should().Be(Deadline.Infinite);
        Deadline.ToTicks(0.0).Should().Be(0);
        Deadline.ToTicks(-0.0).Should().Be(0);
        Deadline.ToTicks(-1e-300).Should().Be(0);
        Deadline.ToTicks(-1.0).Should().Be(0);
        Deadline.ToTicks(double.NegativeInfinity).Should().Be(0);
        Deadline.ToTicks(double.MinValue).Should().Be(0);
        Deadline.ToTicks(double.Epsilon).Should().Be(1, "a positive timeout rounds up to at least one tick");
        Deadline.ToTicks(1e-9).Should().Be(1);
        Deadline.ToTicks(0.5).Should().Be(TimeSpan.TicksPerSecond / 2);
        Deadline.ToTicks(2.0).Should().Be(2 * TimeSpan.TicksPerSecond);
        Deadline.ToTicks(1e10).Should().Be(10_000_000_000L * TimeSpan.TicksPerSecond);
        Deadline.ToTicks(1e300).Should().Be(TimeSpan.MaxValue.Ticks);
        Deadline.ToTicks(double.MaxValue).Should().Be(TimeSpan.MaxValue.Ticks);
        FluentActions.Invoking(() => Deadline.ToTicks(double.NaN)).Should().Throw<ArgumentException>().WithParameterName("timeoutSeconds");
    }

    [TestCase(Ms, 0L, Ms, 1)]
    [TestCase(Ms + 1, 0L, Ms, 2)]
    [TestCase(1L, 0L, Ms, 1)]
    [TestCase(2 * Ms, Ms - 1, Ms, 2)]
    [TestCase(2 * Ms, Ms, Ms, 1)]
    [TestCase(2 * Ms, 2 * Ms - 1, Ms, 1)]
    [TestCase(15L, 0L, Us, 2)]
    [TestCase(10L, 0L, Us, 1)]
    [TestCase(1L, 0L, 1L, 1)]
    public void J2_RemainingUnits_RoundsUp(long timeout, long elapsed, long perUnit, int expected) =>
        Deadline.UnitsLeft(timeout, elapsed, perUnit).Should().Be(expected);

    [TestCase(Ms, Ms, Ms)]
    [TestCase(Ms, Ms + 1, Ms)]
    [TestCase(1L, long.MaxValue, Ms)]
    [TestCase(Ms, 10 * Ms, Us)]
    public void J5_RemainingUnits_DeadlinePassed_IsZero(long timeout, long elapsed, long perUnit) =>
        Deadline.UnitsLeft(timeout, elapsed, perUnit).Should().Be(0);

    [Test]
    public void J4_RemainingUnits_ClampsToIntMaxValue_AndNeverOverflows()
    {
        Deadline.UnitsLeft(long.MaxValue, 0, Ms).Should().Be(int.MaxValue);
        Deadline.UnitsLeft(long.MaxValue, 0, Us).Should().Be(int.MaxValue);
        Deadline.UnitsLeft(long.MaxValue, 0, 1).Should().Be(int.MaxValue);
        Deadline.UnitsLeft(long.MaxValue, 1, 1).Should().Be(int.MaxValue);
        Deadline.UnitsLeft(long.MaxValue, long.MaxValue - 5, 10).Should().Be(1);
        Deadline.UnitsLeft(long.MaxValue, long.MaxValue - 10, 10).Should().Be(1);
        Deadline.UnitsLeft(long.MaxValue, long.MaxValue - 11, 10).Should().Be(2);
        Deadline.UnitsLeft(TimeSpan.MaxValue.Ticks, 0, Ms).Should().Be(int.MaxValue);
        Deadline.UnitsLeft((long)int.MaxValue * Ms, 0, Ms).Should().Be(int.MaxValue);
        Deadline.UnitsLeft((long)int.MaxValue * Ms + 1, 0, Ms).Should().Be(int.MaxValue);
        Deadline.UnitsLeft((long)int.MaxValue * Ms - Ms + 1, 0, Ms).Should().Be(int.MaxValue);
        Deadline.UnitsLeft((long)int.MaxValue * Ms - Ms, 0, Ms).Should().Be(int.MaxValue - 1);
    }
}
