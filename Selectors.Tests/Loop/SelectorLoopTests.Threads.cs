using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using FluentAssertions;
using NUnit.Framework;

namespace Selectors.Tests.Loop;

/// <summary>The thread-safe members (CallSoonThreadSafe, Stop) and the loop's lifetime.</summary>
public sealed partial class SelectorLoopTests
{
    [Test]
    public void CallSoonThreadSafeWakesABlockedRunForeverPromptly_AndRunsOnTheLoopsThread()
    {
        _loop.CallLater(TimeSpan.FromHours(1), () => { }); // without a wakeup, the loop would sleep for an hour
        LoopThread thread = StartLoopThread();
        thread.WaitUntilAsleep(Bound).Should().BeTrue("the loop waits for its timer");

        int ranOn = 0;
        var clock = Stopwatch.StartNew();
        _loop.CallSoonThreadSafe(() =>
        {
            ranOn = Environment.CurrentManagedThreadId;
            _loop.Stop();
        });

        thread.Join(Bound).Should().BeTrue();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        thread.Failure.Should().BeNull();
        ranOn.Should().Be(thread.ManagedThreadId);
    }

    [Test]
    public void StopFromAnotherThreadEndsABlockedRunForeverPromptly()
    {
        _loop.CallLater(TimeSpan.FromHours(1), () => { });
        LoopThread thread = StartLoopThread();
        thread.WaitUntilAsleep(Bound).Should().BeTrue();

        var clock = Stopwatch.StartNew();
        _loop.Stop();

        thread.Join(Bound).Should().BeTrue();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        thread.Failure.Should().BeNull();
        _loop.IsRunning.Should().BeFalse();
    }

    [Test]
    public void CallSoonThreadSafeFromSeveralThreadsRunsEveryCallbackOnce_InEachThreadsOrder()
    {
        const int Threads = 4;
        const int PerThread = 500;
        var seen = new List<int>[Threads];
        int total = 0;
        for (int t = 0; t < Threads; t++)
        {
            seen[t] = new List<int>();
        }

        using var go = new Barrier(Threads);
        var senders = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            go.SignalAndWait(Bound);
            for (int i = 0; i < PerThread; i++)
            {
                int n = i;
                _loop.CallSoonThreadSafe(() =>
                {
                    seen[t].Add(n);
                    if (++total == Threads * PerThread)
                    {
                        _loop.Stop();
                    }
                });
            }
        })
        { IsBackground = true }).ToList();
        _loop.CallLater(Bound, _loop.Stop); // a bound, should a callback be lost

        senders.ForEach(s => s.Start());
        _loop.RunForever();

        senders.ForEach(s => s.Join(Bound).Should().BeTrue());
        total.Should().Be(Threads * PerThread);
        foreach (List<int> fromOneThread in seen)
        {
            fromOneThread.Should().Equal(Enumerable.Range(0, PerThread));
        }
    }

    [Test]
    public void StopFromACallbackEndsRunForeverAfterTheTurn_AndWhatTheTurnScheduledRunsNextTime()
    {
        var order = new List<string>();
        _loop.CallSoon(() =>
        {
            _loop.Stop();
            _loop.CallSoon(() => order.Add("next turn"));
        });
        _loop.CallSoon(() => order.Add("same turn"));

        _loop.RunForever();
        order.Should().Equal("same turn");

        _loop.RunOnce(TimeSpan.Zero);
        order.Should().Equal("same turn", "next turn");
    }

    [Test]
    public void StopBeforeRunForeverRunsOneTurnWithoutWaiting()
    {
        bool ran = false;
        _loop.CallLater(TimeSpan.FromHours(1), () => { });
        var (a, _) = ReadablePair();
        _loop.Selector.Register(a, SelectorEvents.Read, (Action<SelectorKey, SelectorEvents>)((_, _) => ran = true));
        _loop.Stop();

        Time(_loop.RunForever).Should().BeLessThan(TimeSpan.FromSeconds(2));
        ran.Should().BeTrue();
    }

    [Test]
    public void RunningTheLoopFromItsOwnCallbackThrows()
    {
        Exception? nested = null;
        _loop.CallSoon(() => nested = Catch(_loop.RunForever));
        _loop.CallSoon(() => _loop.Stop());

        _loop.RunForever();

        nested.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Contain("already running");
    }

    [Test]
    public void DisposeClosesAnOwnedSelector_ButLeavesAWrappedOneOpen()
    {
        var owned = (BaseSelector)_loop.Selector;
        _loop.Dispose();
        owned.IsClosed.Should().BeTrue();

        using var wrapped = new DefaultSelector();
        new SelectorLoop(wrapped).Dispose();
        wrapped.IsClosed.Should().BeFalse();
    }

    [Test]
    public void ARunningLoopCannotBeDisposed_AndADisposedOneCannotRun()
    {
        Exception? fromCallback = null;
        _loop.CallSoon(() => fromCallback = Catch(_loop.Dispose));
        _loop.RunOnce(TimeSpan.Zero);
        fromCallback.Should().BeOfType<InvalidOperationException>();

        _loop.Dispose();
        _loop.Dispose();
        _loop.Invoking(l => l.RunForever()).Should().Throw<ObjectDisposedException>();
        _loop.Invoking(l => l.RunOnce(TimeSpan.Zero)).Should().Throw<ObjectDisposedException>();
        _loop.Invoking(l => l.CallSoon(() => { })).Should().Throw<ObjectDisposedException>();
        _loop.Invoking(l => l.CallSoonThreadSafe(() => { })).Should().Throw<ObjectDisposedException>();
        _loop.Invoking(l => l.Stop()).Should().NotThrow();
    }

    private static Exception? Catch(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
