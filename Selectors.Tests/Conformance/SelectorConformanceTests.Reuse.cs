using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Win32.SafeHandles;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Conformance;

/// <summary>
/// Spec O4 and beyond Python: what happens when a registered file object is closed before it is unregistered, when its
/// number is reused, when a key changes while its events wait in a batch, and when another thread closes the selector.
/// </summary>
public partial class SelectorConformanceTests
{
    [Test]
    public void O4_ADisposedRegisteredSocketIsNeverReported_AndUnregisterStillFindsIt()
    {
        var (a, peerOfA) = SocketPair();
        var (b, _) = SocketPair();
        SelectorKey keyOfA = _selector.Register(a, SelectorEvents.Read | SelectorEvents.Write, "A");
        SelectorKey keyOfB = _selector.Register(b, SelectorEvents.Write, "B");
        peerOfA.Send(new byte[] { 1 });
        a.Dispose();

        Ready().Should().Equal(new Dictionary<int, SelectorEvents> { [keyOfB.Fd] = SelectorEvents.Write },
            "a disposed socket's events are dropped on every backend (Python raises EBADF on select, or reports it)");
        _selector.GetMap().Should().ContainKey(keyOfA.Fd, "the key stays until Unregister");
        _selector.Unregister(a).Should().BeSameAs(keyOfA, "a closed object is found by reference");
        _selector.GetMap().Should().NotContainKey(keyOfA.Fd);
    }

    [Test]
    [Platform(Exclude = "Win", Reason = NotOnWindows.LowestNumberReused)]
    public void O4_AClosedSocketsNumberReusedByANewSocket_RegistersAndReportsOnlyTheNewOne()
    {
        var (a, peerOfA) = SocketPair();
        SelectorKey keyOfA = _selector.Register(a, SelectorEvents.Read, "A");
        a.Dispose();
        var (b, peerOfB) = SocketPair();
        ((int)b.Handle).Should().Be(keyOfA.Fd, "the lowest free number is reused");

        SelectorKey keyOfB = _selector.Register(b, SelectorEvents.Read, "B");
        peerOfA.Dispose();
        Ready(0.1).Should().BeEmpty("neither B nor the stale key is ready (Python: KeyError on this Register)");
        peerOfB.Send(new byte[] { 1 });
        _selector.Select(1.0).Should().Equal(new[] { (keyOfB, SelectorEvents.Read) });
        _selector.GetKey(b).Should().BeSameAs(keyOfB);
        _selector.Invoking(s => s.Unregister(a)).Should().Throw<ArgumentException>("registering the number again replaced A's dead key, so A is found neither by number nor by reference");
    }

    [Test]
    [Platform(Exclude = "Win", Reason = NotOnWindows.LowestNumberReused)]
    public void O4_ANewObjectWithAClosedRegisteredObjectsNumberIsNotTakenForIt()
    {
        var (a, _) = SocketPair();
        SelectorKey keyOfA = _selector.Register(a, SelectorEvents.Read, "A");
        a.Dispose();
        var (b, _) = SocketPair();
        ((int)b.Handle).Should().Be(keyOfA.Fd, "the lowest free number is reused");

        _selector.Invoking(s => s.GetKey(b)).Should().Throw<KeyNotFoundException>("A's key belongs to A, not to whatever has its number now");
        _selector.Invoking(s => s.Modify(b, SelectorEvents.Write)).Should().Throw<KeyNotFoundException>();
        _selector.GetMap().Get(b).Should().BeNull();
        _selector.GetKey(a).Should().BeSameAs(keyOfA);
    }

    [Test]
    [Platform(Exclude = "Win", Reason = NotOnWindows.Pipes)]
    public void O4_ARegisteredSafeHandleKeepsItsNumberReservedUntilUnregistered()
    {
        if (SocketsOnly)
        {
            // Socket.Select watches sockets only; a socket's own handle is not reference-counted (see Registration).
            _selector.Invoking(s => s.Register(new SafeFileHandle(Pipe().Read, ownsHandle: false), SelectorEvents.Read))
                .Should().Throw<SocketException>();
            return;
        }

        var (read, write) = Peers.Pipe();
        var handle = new SafeFileHandle(read, ownsHandle: true);
        try
        {
            SelectorKey key = _selector.Register(handle, SelectorEvents.Read, "pipe");
            handle.Dispose();
            File.Exists($"/proc/self/fd/{read}").Should().BeTrue("the selector holds a reference, so the close waits and the number stays taken");
            var (other, otherWrite) = Pipe();
            other.Should().NotBe(read, "the number can't be handed to the next open file");
            Peers.Write(write);
            _selector.Select(1.0).Should().Equal(new[] { (key, SelectorEvents.Read) }, "the file is still open and still watched, under its own key");

            _selector.Unregister(handle).Should().BeSameAs(key);
            File.Exists($"/proc/self/fd/{read}").Should().BeFalse("Unregister let go of the last reference, which closed it");
        }
        finally
        {
            Peers.Close(write);
        }
    }

    [Test]
    public void O4_ClosingTheSelectorLetsGoOfEveryHandle()
    {
        if (SocketsOnly)
        {
            // Only sockets register here, and a socket's handle is never reference-counted: Close lets go of the
            // registration and leaves the caller's socket as it was.
            var (socket, peer) = SocketPair();
            _selector.Register(socket, SelectorEvents.Read);
            _selector.Close();
            socket.SafeHandle.IsClosed.Should().BeFalse();
            peer.Send(new byte[] { 7 });
            socket.Receive(new byte[1]).Should().Be(1, "the socket still works after the selector closed");
            return;
        }

        var (read, write) = Peers.Pipe();
        var handle = new SafeFileHandle(read, ownsHandle: true);
        try
        {
            _selector.Register(handle, SelectorEvents.Read);
            handle.Dispose();
            File.Exists($"/proc/self/fd/{read}").Should().BeTrue();
            _selector.Close();
            File.Exists($"/proc/self/fd/{read}").Should().BeFalse();
        }
        finally
        {
            Peers.Close(write);
        }
    }

    [Test]
    public void O5_AnEventLeftInTheBatchIsDroppedWhenItsKeyIsUnregistered()
    {
        var one = new (SelectorKey Key, SelectorEvents Events)[1];
        var (first, other) = TwoReadyOneHandedOut(one);
        first.Receive(new byte[1]).Should().Be(1, "handling the first event drains it");
        _selector.Unregister(other);

        _selector.Select(one, 0).Should().Be(0, "the other key's event from the same batch was dropped with its key");
    }

    [Test]
    public void O5_AnEventLeftInTheBatchIsDroppedWhenItsKeyIsModified()
    {
        var one = new (SelectorKey Key, SelectorEvents Events)[1];
        var (first, other) = TwoReadyOneHandedOut(one);
        first.Receive(new byte[1]).Should().Be(1, "handling the first event drains it");
        SelectorKey modified = _selector.Modify(other, SelectorEvents.Write, "now writing");

        _selector.Select(one, 0).Should().Be(1);
        one[0].Should().Be((modified, SelectorEvents.Write), "the old Read event was dropped, and a new wait reports the new interest");
    }

    [Test]
    [Platform(Exclude = "Win", Reason = NotOnWindows.LowestNumberReused)]
    public void O5_AnEventLeftInTheBatchIsNotReportedForANewRegistrationOfItsNumber()
    {
        var one = new (SelectorKey Key, SelectorEvents Events)[1];
        var (_, other) = TwoReadyOneHandedOut(one);
        int number = (int)other.Handle;

        _selector.Unregister(other);
        other.Dispose();
        var (reused, _) = SocketPair();
        ((int)reused.Handle).Should().Be(number, "the lowest free number is reused");
        _selector.Register(reused, SelectorEvents.Read, "new");

        _selector.Select(one, 0).Should().Be(1, "the first key is still readable");
        one[0].Key.Data.Should().NotBe("new", "the new socket has no data; the batch's event was the old file's");
    }

    [Test]
    public void O5_TheRestOfABatchIsHandedOutInOrderWithoutLosingAny()
    {
        const int Count = 5;
        var fds = new HashSet<int>();
        for (int i = 0; i < Count; i++)
        {
            var (socket, peer) = SocketPair();
            fds.Add(_selector.Register(socket, SelectorEvents.Read).Fd);
            peer.Send(new byte[] { 1 });
        }

        var two = new (SelectorKey Key, SelectorEvents Events)[2];
        var seen = new HashSet<int>();
        for (int call = 0; call < Count && seen.Count < Count; call++)
        {
            int filled = _selector.Select(two, 1.0);
            for (int i = 0; i < filled; i++)
            {
                seen.Add(two[i].Key.Fd);
            }
        }

        seen.Should().BeEquivalentTo(fds, "three calls with room for two hand out all five");
    }

    [Test]
    public void P3_CloseFromAnotherThreadEndsABlockedSelectPromptly()
    {
        var (a, _) = SocketPair();
        _selector.Register(a, SelectorEvents.Read);
        using var entered = new ManualResetEventSlim();
        Task<IReadOnlyList<(SelectorKey Key, SelectorEvents Events)>> blocked = Task.Run(() =>
        {
            entered.Set();
            return _selector.Select(30.0);
        });
        entered.Wait(TimeSpan.FromSeconds(5)).Should().BeTrue();
        Thread.Sleep(100); // let it reach the wait; if it has not, Close still makes it return at once

        TimeSpan closing = Time(_selector.Close);

        blocked.Wait(TimeSpan.FromSeconds(5)).Should().BeTrue("Close woke the blocked Select");
        blocked.Result.Should().BeEmpty();
        closing.Should().BeLessThan(TimeSpan.FromSeconds(2), "Close waits only for the Select to leave");
        _selector.IsClosed.Should().BeTrue();
        _selector.Invoking(s => s.Select(0)).Should().Throw<ObjectDisposedException>();
        _selector.Invoking(s => s.Register(a, SelectorEvents.Read)).Should().Throw<ObjectDisposedException>();
        _selector.Invoking(s => s.GetMap()).Should().Throw<ObjectDisposedException>();
    }

    [Test]
    public void P3_CloseFromAnotherThreadEndsABlockedSpanSelectToo()
    {
        using var entered = new ManualResetEventSlim();
        Task<int> blocked = Task.Run(() =>
        {
            var buffer = new (SelectorKey Key, SelectorEvents Events)[4];
            entered.Set();
            return _selector.Select(buffer, Timeout.InfiniteTimeSpan);
        });
        entered.Wait(TimeSpan.FromSeconds(5)).Should().BeTrue();
        Thread.Sleep(100);

        _selector.Close();

        blocked.Wait(TimeSpan.FromSeconds(5)).Should().BeTrue("an infinite Select with nothing registered still wakes");
        blocked.Result.Should().Be(0);
    }

    /// <summary>
    /// Two readable sockets registered for Read, and a span Select with room for one: the one handed out, and the
    /// other, whose event waits in the rest of the batch.
    /// </summary>
    private (Socket First, Socket Other) TwoReadyOneHandedOut(Span<(SelectorKey Key, SelectorEvents Events)> one)
    {
        var (a, peerOfA) = SocketPair();
        var (b, peerOfB) = SocketPair();
        _selector.Register(a, SelectorEvents.Read, "A");
        _selector.Register(b, SelectorEvents.Read, "B");
        peerOfA.Send(new byte[] { 1 });
        peerOfB.Send(new byte[] { 1 });
        _selector.Select(one, 1.0).Should().Be(1);
        Socket first = (Socket)one[0].Key.FileObject;
        return (first, first == a ? b : a);
    }
}
