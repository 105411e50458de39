using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Threading;

/// <summary>
/// Register, Modify and Unregister from another thread while Select blocks (beyond Python, where such a change is not
/// seen by the blocked call: spec N17): each takes effect in that very Select, on every backend. Deterministic: the
/// selecting thread is first seen blocked in the kernel, then the change is made, then the outcome observed.
/// </summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.SelectorsAndPollPipe))]
public class CrossThreadRegistrationTests : SelectorFixture
{
    public CrossThreadRegistrationTests(string backend)
        : base(backend)
    {
    }

    [Test]
    public void N17_ARegistrationFromAnotherThreadIsSeenByTheBlockedSelect()
    {
        var (ready, peer) = Pair();
        peer.Send(new byte[] { 1 });
        var selecting = BlockedSelect();

        SelectorKey key = Selector.Register(ready, SelectorEvents.Read, "late");

        selecting.Result.Wait(Patience).Should().BeTrue("the blocked Select saw the new registration");
        selecting.Result.Result.Should().Equal(new[] { (key, SelectorEvents.Read) });
        Selector.WokenUp.Should().BeFalse("the change's own wake is internal, not a Wakeup");
    }

    [Test]
    public void N17_AModifyFromAnotherThreadIsSeenByTheBlockedSelect()
    {
        var (socket, _) = Pair();
        Selector.Register(socket, SelectorEvents.Read, "reading");
        var selecting = BlockedSelect();

        SelectorKey writing = Selector.Modify(socket, SelectorEvents.Write, "writing");

        selecting.Result.Wait(Patience).Should().BeTrue("the socket is writable and the blocked Select now asks for that");
        selecting.Result.Result.Should().Equal(new[] { (writing, SelectorEvents.Write) });
    }

    [Test]
    public void N17_AnUnregisterFromAnotherThreadTakesEffectInTheBlockedSelect()
    {
        var (socket, peer) = Pair();
        Selector.Register(socket, SelectorEvents.Read);
        var selecting = BlockedSelect(timeoutSeconds: 1.0);

        Selector.Unregister(socket);
        peer.Send(new byte[] { 1 });

        selecting.Result.Wait(Patience).Should().BeTrue();
        selecting.Result.Result.Should().BeEmpty("the socket was no longer registered when it became readable");
        Selector.GetMap().Should().BeEmpty();
    }

    [Test]
    public void N17_ChangesFromManyThreadsWhileSelectingLeaveTheSelectorConsistent()
    {
        // Four threads register, modify and unregister their own sockets while a fifth selects in a loop: no call may
        // fail, every change must be visible at once to its thread, and at the end the map and the OS set are empty.
        const int Threads = 4;
        const int Rounds = 300;
        var pairs = Enumerable.Range(0, Threads).Select(_ => Pair()).ToArray();
        using var stop = new CancellationTokenSource();
        var errors = new List<Exception>();
        var selector = new Thread(() =>
        {
            var buffer = new (SelectorKey Key, SelectorEvents Events)[8];
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    Selector.Select(buffer, 0.01);
                }
            }
            catch (Exception e)
            {
                lock (errors)
                {
                    errors.Add(e);
                }
            }
        });
        selector.Start();

        var changers = pairs.Select((pair, index) => new Thread(() =>
        {
            try
            {
                for (int round = 0; round < Rounds; round++)
                {
                    SelectorKey key = Selector.Register(pair.A, SelectorEvents.Read, index);
                    Selector.GetKey(pair.A).Should().BeSameAs(key);
                    SelectorKey modified = Selector.Modify(pair.A, SelectorEvents.Read | SelectorEvents.Write, round);
                    Selector.Unregister(pair.A).Should().BeSameAs(modified);
                }
            }
            catch (Exception e)
            {
                lock (errors)
                {
                    errors.Add(e);
                }
            }
        })).ToList();
        changers.ForEach(thread => thread.Start());
        changers.ForEach(thread => thread.Join(TimeSpan.FromSeconds(60)).Should().BeTrue());
        stop.Cancel();
        selector.Join(Patience).Should().BeTrue();

        errors.Should().BeEmpty();
        Selector.GetMap().Should().BeEmpty();
        if (Selector is EpollSelector epoll)
        {
            EpollFdInfo.Read(epoll.Fileno()).Should().BeEmpty("the kernel's interest list holds nothing but the waker");
        }

        var (late, peer) = Pair();
        SelectorKey lateKey = Selector.Register(late, SelectorEvents.Read);
        peer.Send(new byte[] { 1 });
        Selector.Select(1.0).Should().Equal(new[] { (lateKey, SelectorEvents.Read) }, "the selector still works");
    }

    [Test]
    public void N17_CloseFromAnotherThreadWhileAChangeWaitsEndsBoth()
    {
        var (socket, _) = Pair();
        var selecting = BlockedSelect(timeoutSeconds: 30);

        Selector.Close();
        selecting.Result.Wait(Patience).Should().BeTrue();
        Selector.Invoking(s => s.Register(socket, SelectorEvents.Read)).Should().Throw<ObjectDisposedException>();
    }

    private SelectingThread<IReadOnlyList<(SelectorKey Key, SelectorEvents Events)>> BlockedSelect(double timeoutSeconds = 30.0)
    {
        var selecting = new SelectingThread<IReadOnlyList<(SelectorKey Key, SelectorEvents Events)>>(() => Selector.Select(timeoutSeconds));
        selecting.Blocked(Patience).Should().BeTrue("the Select is waiting in the kernel before the change is made");
        return selecting;
    }
}
