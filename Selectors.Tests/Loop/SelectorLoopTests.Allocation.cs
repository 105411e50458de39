using System;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Loop;

/// <summary>A turn allocates nothing of its own: idle (timed out or woken) or dispatching a ready key.</summary>
public sealed partial class SelectorLoopTests
{
    private const int Turns = 1000;

    [Test]
    public void IdleTurnsAllocateNothing_TimedOutOrWoken()
    {
        Action<SelectorKey, SelectorEvents> never = (_, _) => throw new AssertionException("nothing is ready");
        for (int i = 0; i < 3; i++)
        {
            _loop.Selector.Register(Pair().A, SelectorEvents.Read, never);
        }

        _loop.CallLater(TimeSpan.FromHours(1), () => { });
        TimedOutTurns(10);
        WokenTurns(10);

        long timedOut = Allocations.Least(() => TimedOutTurns(Turns));
        long woken = Allocations.Least(() => WokenTurns(Turns));

        TestContext.Out.WriteLine($"{backend}: {Turns} idle turns allocated {timedOut} B timed out, {woken} B woken");
        timedOut.Should().Be(0);
        woken.Should().Be(0);

        void TimedOutTurns(int count)
        {
            for (int i = 0; i < count; i++)
            {
                _loop.RunOnce(TimeSpan.Zero);
            }
        }

        void WokenTurns(int count)
        {
            for (int i = 0; i < count; i++)
            {
                _loop.Selector.Wakeup();
                _loop.RunOnce(); // would wait for the 1-hour timer, but for the wakeup
            }
        }
    }

    [Test]
    public void BusyTurnsDispatchingAReadyKeyAllocateNothing()
    {
        int calls = 0;
        Action<SelectorKey, SelectorEvents> count = (_, _) => calls++;
        _loop.Selector.Register(ReadablePair().Readable, SelectorEvents.Read, count);
        _loop.Selector.Register(Pair().A, SelectorEvents.Read, count); // idle
        _loop.CallLater(TimeSpan.FromHours(1), () => { });
        RunTurns(10);

        long allocated = Allocations.Least(() => RunTurns(Turns));

        TestContext.Out.WriteLine($"{backend}: {Turns} turns dispatching a ready key allocated {allocated} B");
        calls.Should().Be(10 + (Allocations.Windows * Turns));
        allocated.Should().Be(0);

        void RunTurns(int n)
        {
            for (int i = 0; i < n; i++)
            {
                _loop.RunOnce(TimeSpan.Zero);
            }
        }
    }
}
