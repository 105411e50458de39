using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using FluentAssertions;
using NUnit.Framework;

namespace Selectors.Tests.Loop;

/// <summary>CallSoon, CallLater and the order of a turn; exceptions from scheduled callbacks.</summary>
public sealed partial class SelectorLoopTests
{
    [Test]
    public void CallSoonRunsFirstInFirstOut_AndWhatItSchedulesRunsOnTheNextTurn()
    {
        var order = new List<string>();
        _loop.CallSoon(() => order.Add("a"));
        _loop.CallSoon(() =>
        {
            order.Add("b");
            _loop.CallSoon(() => order.Add("d"));
        });
        _loop.CallSoon(() => order.Add("c"));

        _loop.RunOnce(Bound);
        order.Should().Equal("a", "b", "c");
        _loop.RunOnce(Bound);
        order.Should().Equal("a", "b", "c", "d");
    }

    [Test]
    public void ATurnRunsQueuedCallbacksThenIOCallbacksThenDueTimers_AndWhatTheySchedulePassesToTheNextTurn()
    {
        var order = new List<string>();
        var (a, _) = ReadablePair();
        _loop.Selector.Register(a, SelectorEvents.Read, (Action<SelectorKey, SelectorEvents>)((key, _) =>
        {
            order.Add("io");
            _loop.Selector.Unregister(key.FileObject);
            _loop.CallSoon(() => order.Add("soon from io"));
            _loop.CallLater(TimeSpan.Zero, () => order.Add("timer from io"));
        }));
        _loop.CallLater(TimeSpan.Zero, () => order.Add("timer"));
        _loop.CallSoon(() => order.Add("soon"));

        _loop.RunOnce(Bound);
        order.Should().Equal("soon", "io", "timer");
        _loop.RunOnce(Bound);
        order.Should().Equal("soon", "io", "timer", "soon from io", "timer from io");
    }

    [Test]
    public void CallLaterRunsTimersInDeadlineOrder_AndEqualDelaysInCallOrder()
    {
        var order = new List<string>();
        foreach ((int ms, string name) in new[] { (300, "300"), (100, "100"), (0, "0a"), (200, "200"), (0, "0b") })
        {
            _loop.CallLater(TimeSpan.FromMilliseconds(ms), () => order.Add(name));
        }

        RunUntil(() => order.Count == 5);
        order.Should().Equal("0a", "0b", "100", "200", "300");
    }

    [Test]
    public void ACancelledTimerNeverRuns_AndCancelIsIdempotentAndANoOpAfterItRan()
    {
        var order = new List<string>();
        TimerHandle first = _loop.CallLater(TimeSpan.Zero, () => order.Add("first"));
        TimerHandle second = _loop.CallLater(TimeSpan.Zero, () => order.Add("second"));
        TimerHandle third = _loop.CallLater(TimeSpan.FromMilliseconds(50), () => order.Add("third"));
        second.Cancel();
        second.Cancel();
        _loop.CallLater(TimeSpan.Zero, third.Cancel); // cancelled by a callback, before it is due

        _loop.RunOnce(Bound);
        first.Cancel();
        RunUntil(() => _loop.ScheduledTimerCount == 0);

        order.Should().Equal("first");
        (first.IsCancelled, second.IsCancelled, third.IsCancelled).Should().Be((false, true, true));
    }

    [Test]
    public void CancelledTimersArePurgedFromTheHeap_AndTheWaitIsForTheEarliestLiveOne()
    {
        var cancelled = new List<TimerHandle> { _loop.CallLater(TimeSpan.FromMilliseconds(10), FailIfRun) };
        for (int i = 0; i < 300; i++)
        {
            cancelled.Add(_loop.CallLater(TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(i), FailIfRun));
        }

        cancelled.ForEach(h => h.Cancel());
        bool ran = false;
        _loop.CallLater(TimeSpan.FromMilliseconds(150), () => ran = true);
        _loop.CallLater(TimeSpan.FromHours(2), () => { });

        TimeSpan took = Time(() => _loop.RunOnce()); // one wait: for the 150 ms timer, not the cancelled 10 ms one

        ran.Should().BeTrue();
        took.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150)).And.BeLessThan(Bound);
        _loop.ScheduledTimerCount.Should().Be(1, "the cancelled timers behind the live ones were purged too");

        static void FailIfRun() => throw new AssertionException("a cancelled timer ran");
    }

    [TestCase(1)]
    [TestCase(15)]
    [TestCase(200)]
    public void ATimerNeverRunsBeforeItsDelay_AndIsNotLateByMuch(int milliseconds)
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(milliseconds);
        TimeSpan? firedAfter = null;
        Stopwatch? clock = null;
        _loop.CallLater(delay, () =>
        {
            firedAfter = clock!.Elapsed;
            _loop.Stop();
        });
        clock = Stopwatch.StartNew(); // started after the timer was set: the measured delay can only be shorter
        _loop.CallLater(Bound, _loop.Stop);

        _loop.RunForever();

        firedAfter.Should().NotBeNull();
        firedAfter!.Value.Should().BeGreaterThanOrEqualTo(delay);
        firedAfter.Value.Should().BeLessThan(delay + TimeSpan.FromSeconds(1), "lateness is bounded (generously: the machine is shared)");
    }

    [Test]
    public void OneTurnWaitsUntilTheEarliestTimerIsDue()
    {
        bool ran = false;
        _loop.CallLater(TimeSpan.FromMilliseconds(150), () => ran = true);
        _loop.CallLater(TimeSpan.FromHours(1), () => { });

        TimeSpan took = Time(() => _loop.RunOnce());

        ran.Should().BeTrue();
        took.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150)).And.BeLessThan(Bound);
    }

    [Test]
    public void RunOnceWaitsAtMostItsTimeout_AndNotAtAllWithCallbacksQueued()
    {
        Time(() => _loop.RunOnce(TimeSpan.FromMilliseconds(150))).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150)).And.BeLessThan(Bound);

        _loop.CallSoon(() => { });
        _loop.CallLater(TimeSpan.FromHours(1), () => { });
        Time(() => _loop.RunOnce()).Should().BeLessThan(TimeSpan.FromSeconds(1));
    }

    [Test]
    public void ACallbacksExceptionLeavesRunForeverAsThrown_AndTheNextRunFinishesTheTurn()
    {
        var boom = new ApplicationException("boom");
        var order = new List<string>();
        _loop.CallSoon(() => order.Add("a"));
        _loop.CallSoon(() => ThrowBoom(boom));
        _loop.CallSoon(() =>
        {
            order.Add("c");
            _loop.Stop();
        });
        _loop.CallLater(TimeSpan.FromHours(1), () => { }); // a new turn would wait for it: finishing this one must not

        _loop.Invoking(l => l.RunForever()).Should().Throw<ApplicationException>()
            .Which.Should().BeSameAs(boom).And.Match<Exception>(e => e.StackTrace!.Contains(nameof(ThrowBoom)));
        order.Should().Equal("a");
        _loop.IsRunning.Should().BeFalse();

        Time(_loop.RunForever).Should().BeLessThan(Bound);
        order.Should().Equal("a", "c");
    }

    [Test]
    public void ATimerThatReschedulesItselfWithNoDelayRunsOncePerTurn()
    {
        int runs = 0;
        void Again()
        {
            runs++;
            _loop.CallLater(TimeSpan.Zero, Again);
        }

        _loop.CallLater(TimeSpan.Zero, Again);
        _loop.RunOnce(Bound);
        runs.Should().Be(1);
        _loop.RunOnce(Bound);
        runs.Should().Be(2);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBoom(Exception boom) => throw boom;
}
