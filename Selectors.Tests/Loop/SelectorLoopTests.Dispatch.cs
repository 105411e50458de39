using System;
using System.Collections.Generic;
using System.Net.Sockets;
using FluentAssertions;
using NUnit.Framework;

namespace Selectors.Tests.Loop;

/// <summary>I/O callbacks: what they are given, and a batch whose keys change under it.</summary>
public sealed partial class SelectorLoopTests
{
    [Test]
    public void AReadyKeysCallbackGetsTheKeyAndItsReadyEvents()
    {
        var (a, b) = Pair();
        var calls = new List<(SelectorKey Key, SelectorEvents Events)>();
        Action<SelectorKey, SelectorEvents> record = (key, events) => calls.Add((key, events));
        SelectorKey readKey = _loop.Selector.Register(a, SelectorEvents.Read, record);
        SelectorKey writeKey = _loop.Selector.Register(b, SelectorEvents.Write, record);
        b.Send(new byte[] { 1 });

        _loop.RunOnce(Bound);

        calls.Should().HaveCount(2);
        calls.Should().ContainSingle(c => ReferenceEquals(c.Key, readKey)).Which.Events.Should().Be(SelectorEvents.Read);
        calls.Should().ContainSingle(c => ReferenceEquals(c.Key, writeKey)).Which.Events.Should().Be(SelectorEvents.Write);
    }

    [Test]
    public void ACallbackOfAContravariantDelegateTypeIsAcceptedToo()
    {
        var (a, _) = ReadablePair();
        object? given = null;
        Action<object, SelectorEvents> record = (key, _) => given = key;
        SelectorKey registered = _loop.Selector.Register(a, SelectorEvents.Read, record);

        _loop.RunOnce(Bound);

        given.Should().BeSameAs(registered);
    }

    [Test]
    public void AKeyWhoseDataIsNotACallbackFailsTheTurnNamingTheKey_AndTheLoopRunsOn()
    {
        var (a, _) = ReadablePair();
        _loop.Selector.Register(a, SelectorEvents.Read, "not a callback");

        _loop.Invoking(l => l.RunOnce(Bound)).Should().Throw<InvalidOperationException>()
            .WithMessage($"*{a}*(FD {(int)a.Handle})*System.String*Action<SelectorKey, SelectorEvents>*");

        _loop.Selector.Unregister(a);
        bool ran = false;
        _loop.CallSoon(() => ran = true);
        RunUntil(() => ran); // the first run finishes the interrupted turn; the callback runs on the next

    }

    [Test]
    public void ACallbackThatClosesALaterKeyOfTheBatchPreventsItsCallback_EvenWhenItsNumberIsReused()
    {
        var (a1, _) = ReadablePair();
        var (a2, _) = ReadablePair();
        var ran = new List<Socket>();
        SelectorKey? reused = null;
        bool newCallbackRan = false;
        Action<SelectorKey, SelectorEvents> closeTheOther = (key, _) =>
        {
            var mine = (Socket)key.FileObject;
            ran.Add(mine);
            Socket other = mine == a1 ? a2 : a1;
            int number = (int)other.Handle;
            _loop.Selector.Unregister(other);
            other.Dispose();
            // The lowest free number is reused at once: the new pair most likely takes the one just closed.
            var (c, _) = Pair();
            SelectorKey fresh = _loop.Selector.Register(c, SelectorEvents.Read, (Action<SelectorKey, SelectorEvents>)((_, _) => newCallbackRan = true));
            reused = fresh.Fd == number ? fresh : null;
        };
        _loop.Selector.Register(a1, SelectorEvents.Read, closeTheOther);
        _loop.Selector.Register(a2, SelectorEvents.Read, closeTheOther);

        _loop.RunOnce(Bound); // both were readable before the wait: one batch holds both

        ran.Should().ContainSingle();
        newCallbackRan.Should().BeFalse("the new socket has nothing to read, and the batch's entry was the old key's");
        TestContext.Out.WriteLine(reused is null ? "the number was not reused" : $"FD {reused.Fd} was reused within the batch");
    }

    [Test]
    public void ACallbackThatModifiesALaterKeyOfTheBatch_MakesItRunWithItsNewCallbackInThatTurn()
    {
        var (a1, _) = ReadablePair();
        var (a2, _) = ReadablePair();
        int oldCalls = 0;
        int newCalls = 0;
        Action<SelectorKey, SelectorEvents> replacement = (_, _) => newCalls++;
        Action<SelectorKey, SelectorEvents> modifyTheOther = (key, _) =>
        {
            oldCalls++;
            _loop.Selector.Modify(ReferenceEquals(key.FileObject, a1) ? a2 : a1, SelectorEvents.Read, replacement);
        };
        _loop.Selector.Register(a1, SelectorEvents.Read, modifyTheOther);
        _loop.Selector.Register(a2, SelectorEvents.Read, modifyTheOther);

        _loop.RunOnce(Bound);
        (oldCalls, newCalls).Should().Be((1, 1), "the modified key's entry runs its new callback, not the old one");

        _loop.RunOnce(Bound); // level-triggered: both still readable
        (oldCalls, newCalls).Should().Be((2, 2));
    }

    [Test]
    public void ACallbackThatNarrowsALaterKeysInterest_SkipsItsEntryWhenNoReadyEventIsLeft()
    {
        var (a1, _) = ReadablePair();
        var (a2, _) = ReadablePair();
        var calls = new List<object>();
        Action<SelectorKey, SelectorEvents> narrowTheOther = (key, _) =>
        {
            calls.Add(key.FileObject);
            _loop.Selector.Modify(ReferenceEquals(key.FileObject, a1) ? a2 : a1, SelectorEvents.Write, null);
        };
        _loop.Selector.Register(a1, SelectorEvents.Read, narrowTheOther);
        _loop.Selector.Register(a2, SelectorEvents.Read, narrowTheOther);

        _loop.RunOnce(Bound);

        calls.Should().ContainSingle("the other entry was Read, which its key no longer asks for");
    }

    [Test]
    public void AnIOCallbacksExceptionLeavesTheRestOfTheBatchForTheNextRun()
    {
        var (a1, _) = ReadablePair();
        var (a2, _) = ReadablePair();
        var boom = new ApplicationException("boom");
        var calls = new List<object>();
        Action<SelectorKey, SelectorEvents> throwFirst = (key, _) =>
        {
            calls.Add(key.FileObject);
            if (calls.Count == 1)
            {
                throw boom;
            }
        };
        _loop.Selector.Register(a1, SelectorEvents.Read, throwFirst);
        _loop.Selector.Register(a2, SelectorEvents.Read, throwFirst);

        _loop.Invoking(l => l.RunOnce(Bound)).Should().Throw<ApplicationException>().Which.Should().BeSameAs(boom);
        calls.Should().ContainSingle();

        _loop.RunOnce(Bound); // finishes the interrupted turn: only the other key, no new wait
        calls.Should().HaveCount(2).And.OnlyHaveUniqueItems();
    }
}
