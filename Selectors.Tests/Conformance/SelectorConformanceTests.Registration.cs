using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using FluentAssertions;
using Mono.Unix;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Conformance;

/// <summary>Spec sections A–F: events, keys, file-object resolution, register, unregister, modify.</summary>
public partial class SelectorConformanceTests
{
    [Test]
    public void A1_EventConstantsAreBitZeroAndBitOne()
    {
        ((int)SelectorEvents.Read).Should().Be(1);
        ((int)SelectorEvents.Write).Should().Be(2);
        Enum.GetValues<SelectorEvents>().Should().BeEquivalentTo(new[] { SelectorEvents.None, SelectorEvents.Read, SelectorEvents.Write });
    }

    [Test]
    public void A3_BaseSelectorCannotBeInstantiatedOrSubclassedOutsideTheLibrary()
    {
        typeof(BaseSelector).IsAbstract.Should().BeTrue();
        typeof(BaseSelector).GetConstructors().Should().BeEmpty("its only constructor is private protected");
        _selector.Should().BeAssignableTo<ISelector>();
    }

    [Test]
    public void B1_KeyHasFourMembersInPythonsOrder()
    {
        var (a, _) = SocketPair();
        var (fileObject, fd, events, data) = _selector.Register(a, SelectorEvents.Read, "d");
        fileObject.Should().BeSameAs(a);
        fd.Should().Be((int)a.Handle);
        events.Should().Be(SelectorEvents.Read);
        data.Should().Be("d");
    }

    [Test]
    public void B2_KeysAreImmutableAndModifyMakesANewOne()
    {
        var (a, _) = SocketPair();
        SelectorKey original = _selector.Register(a, SelectorEvents.Read, "old");
        SelectorKey modified = _selector.Modify(a, SelectorEvents.Write, "new");
        modified.Should().NotBeSameAs(original);
        original.Events.Should().Be(SelectorEvents.Read);
        original.Data.Should().Be("old");
        typeof(SelectorKey).GetProperties().Should().OnlyContain(p => p.SetMethod == null || p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Length > 0, "members are init-only");
    }

    [Test]
    public void B3_KeysCompareByValueOverAllFourMembers()
    {
        var (a, _) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read, "d");
        var same = new SelectorKey(a, key.Fd, SelectorEvents.Read, "d");
        key.Should().Be(same);
        key.GetHashCode().Should().Be(same.GetHashCode());
        key.Should().NotBe(same with { Data = "other" });
        key.Should().NotBe(same with { Events = SelectorEvents.Write });
        _selector.GetKey(a).Should().Be(key);
    }

    [Test]
    public void B4_KeyToStringNamesEveryMember()
    {
        var (a, _) = SocketPair();
        string text = _selector.Register(a, SelectorEvents.Read, "payload").ToString();
        text.Should().Contain("FileObject").And.Contain("Fd").And.Contain("Events = Read").And.Contain("payload");
    }

    [Test]
    public void B5_FileObjectIsTheObjectGivenAndDataDefaultsToNull()
    {
        var (a, b) = SocketPair();
        SelectorKey byObject = _selector.Register(a, SelectorEvents.Read);
        byObject.FileObject.Should().BeSameAs(a);
        byObject.Data.Should().BeNull();
        int fd = (int)b.Handle;
        SelectorKey byInt = _selector.Register(fd, SelectorEvents.Write);
        byInt.FileObject.Should().Be(fd);
        byInt.Fd.Should().Be(fd);
    }

    [Test]
    public void B6_TheSameKeyObjectComesBackFromEveryMember()
    {
        var (a, b) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read, "d");
        b.Send(new byte[] { 1 });
        _selector.GetKey(a).Should().BeSameAs(key);
        _selector.GetMap()[key.Fd].Should().BeSameAs(key);
        _selector.Select(1.0).Should().ContainSingle().Which.Key.Should().BeSameAs(key);
        _selector.Unregister(a).Should().BeSameAs(key);
    }

    [Test]
    public void C1_EveryFileObjectFormResolvesToItsDescriptor()
    {
        var (a, b) = SocketPair();
        var (c, d) = SocketPair();
        _selector.Register(a, SelectorEvents.Write).Fd.Should().Be((int)a.Handle);
        _selector.Register((int)b.Handle, SelectorEvents.Write).Fd.Should().Be((int)b.Handle);
        _selector.Register(c.SafeHandle, SelectorEvents.Write).Fd.Should().Be((int)c.Handle);
        _selector.Register(new FileObject((int)d.Handle), SelectorEvents.Write).Fd.Should().Be((int)d.Handle);
        Ready().Keys.Should().BeEquivalentTo(new[] { (int)a.Handle, (int)b.Handle, (int)c.Handle, (int)d.Handle });
    }

    [Test]
    public void C2_ObjectsThatYieldNoDescriptorAreInvalid()
    {
        var disposed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        disposed.Dispose();
        var invalid = new object[] { "3", 3.0, new object(), disposed, new FileObject(-1), new FileObject(() => throw new ObjectDisposedException("file")) };
        foreach (object fileObject in invalid)
        {
            _selector.Invoking(s => s.Register(fileObject, SelectorEvents.Read)).Should().Throw<ArgumentException>()
                .Which.Should().NotBeOfType<ArgumentOutOfRangeException>("{0} is an invalid object, not a bad number", fileObject);
        }

        _selector.Invoking(s => s.Register(null!, SelectorEvents.Read)).Should().Throw<ArgumentNullException>();
        _selector.Invoking(s => s.Register(-10, SelectorEvents.Read)).Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("Invalid file descriptor: -10*");
        _selector.GetMap().Should().BeEmpty();
    }

    [Test]
    public void C3_UnexpectedExceptionsFromFilenoPropagate()
    {
        var failing = new FileObject(() => throw new IOException("disk on fire"));
        _selector.Invoking(s => s.Register(failing, SelectorEvents.Read)).Should().Throw<IOException>().WithMessage("disk on fire");
    }

    [Test]
    public void C5_AClosedRegisteredObjectIsFoundByReference()
    {
        var (a, _) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read, "d");
        a.Dispose();
        _selector.GetKey(a).Should().BeSameAs(key);
        _selector.GetMap()[a].Should().BeSameAs(key);
        _selector.Modify(a, SelectorEvents.Read, "data only").Data.Should().Be("data only");
        _selector.Unregister(a).Fd.Should().Be(key.Fd);
        _selector.Invoking(s => s.GetKey(a)).Should().Throw<ArgumentException>("once unregistered, nothing is left to find it by");
    }

    [Test]
    public void C5_RegisteringAClosedRegisteredObjectAgainIsADuplicate()
    {
        var (a, _) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read);
        a.Dispose();
        _selector.Invoking(s => s.Register(a, SelectorEvents.Read)).Should().Throw<ArgumentException>().WithMessage("*already registered*");
        _selector.GetKey(a).Should().BeSameAs(key);
    }

    [Test]
    public void C6_DuplicatesAreDetectedByDescriptorNumber()
    {
        var (a, _) = SocketPair();
        _selector.Register(a, SelectorEvents.Read);
        _selector.Invoking(s => s.Register((int)a.Handle, SelectorEvents.Write)).Should().Throw<ArgumentException>()
            .WithMessage("*already registered*");
        _selector.GetMap().Should().HaveCount(1);
    }

    [Test]
    [Platform(Exclude = "Win", Reason = NotOnWindows.Dup)]
    public void C6_DuplicatedDescriptorsAreIndependentRegistrations()
    {
        var (a, _) = SocketPair();
        int dup = Peers.Dup((int)a.Handle);
        _fds.Add(dup);
        SelectorKey original = _selector.Register(a, SelectorEvents.Write);
        SelectorKey duplicate = _selector.Register(dup, SelectorEvents.Write);
        Ready().Should().BeEquivalentTo(new Dictionary<int, SelectorEvents> { [original.Fd] = SelectorEvents.Write, [duplicate.Fd] = SelectorEvents.Write });
    }

    [Test]
    public void D1_EventsAreCheckedBeforeTheFileObjectAndTheDuplicate()
    {
        var (a, _) = SocketPair();
        _selector.Register(a, SelectorEvents.Read);
        _selector.Invoking(s => s.Register(-10, SelectorEvents.None)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("events");
        _selector.Invoking(s => s.Register(a, SelectorEvents.None)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("events");
        _selector.Invoking(s => s.Register("foo", (SelectorEvents)4)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("events");
    }

    [TestCase(0)]
    [TestCase(4)]
    [TestCase(999999)]
    [TestCase(-1)]
    public void D2_InvalidEventMasksAreRejected(int events)
    {
        var (a, _) = SocketPair();
        _selector.Invoking(s => s.Register(a, (SelectorEvents)events)).Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage($"Invalid events: {events}*").Which.ParamName.Should().Be("events");
        _selector.GetMap().Should().BeEmpty();
    }

    [Test]
    public void D3_RegisteringTwiceIsAnArgumentException()
    {
        var (a, _) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read, "first");
        _selector.Invoking(s => s.Register(a, SelectorEvents.Write, "second")).Should().Throw<ArgumentException>()
            .WithMessage($"*(FD {key.Fd}) is already registered*");
        _selector.GetKey(a).Should().BeSameAs(key);
    }

    [Test]
    public void D4_RegisterStoresTheKeyAndTheMapGrowsByOne()
    {
        var (a, b) = SocketPair();
        SelectorKey first = _selector.Register(a, SelectorEvents.Read);
        _selector.GetMap().Should().HaveCount(1);
        SelectorKey second = _selector.Register(b, SelectorEvents.Write, 42);
        _selector.GetMap().Should().HaveCount(2);
        _selector.GetMap().Values.Should().BeEquivalentTo(new[] { first, second }, o => o.ComparingByValue<SelectorKey>());
        second.Should().Be(new SelectorKey(b, (int)b.Handle, SelectorEvents.Write, 42));
    }

    [Test]
    public void D7_ARegularFileIsRefusedByEpollAndAlwaysReadyElsewhere()
    {
        // A temporary file: a regular file on every OS (where /dev/null is Unix's, and a character device).
        using var file = Track(new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose));
        switch (_selector.Backend)
        {
            case SelectorBackend.Epoll:
                _selector.Invoking(s => s.Register(file.SafeFileHandle, SelectorEvents.Read)).Should().Throw<UnixSystemCallException>()
                    .Which.ErrorName.Should().Be("EPERM");
                _selector.GetMap().Should().BeEmpty("the failed registration was rolled back");
                break;
            case SelectorBackend.Poll:
                SelectorKey key = _selector.Register(file.SafeFileHandle, SelectorEvents.Read | SelectorEvents.Write);
                EventsOf(key).Should().Be(SelectorEvents.Read | SelectorEvents.Write);
                break;
            default:
                _selector.Invoking(s => s.Register(file.SafeFileHandle, SelectorEvents.Read)).Should().Throw<SocketException>();
                _selector.GetMap().Should().BeEmpty("the failed registration was rolled back");
                break;
        }
    }

    [Test]
    public void D7_AClosedDescriptorIsRefusedByEpollAndReportedReadyByPoll()
    {
        // A socket pair's numbers, closed: descriptors of a kind every OS has.
        var (closed, peer) = Peers.SocketPairFds();
        Peers.Close(closed, peer);
        switch (_selector.Backend)
        {
            case SelectorBackend.Epoll:
                _selector.Invoking(s => s.Register(closed, SelectorEvents.Read)).Should().Throw<UnixSystemCallException>()
                    .Which.ErrorName.Should().Be("EBADF");
                _selector.GetMap().Should().BeEmpty();
                break;
            case SelectorBackend.Poll:
                SelectorKey key = _selector.Register(closed, SelectorEvents.Read | SelectorEvents.Write);
                EventsOf(key).Should().Be(SelectorEvents.Read | SelectorEvents.Write, "POLLNVAL counts as both");
                break;
            default:
                _selector.Invoking(s => s.Register(closed, SelectorEvents.Read)).Should().Throw<SocketException>();
                _selector.GetMap().Should().BeEmpty();
                break;
        }
    }

    [Test]
    [Platform(Exclude = "Win", Reason = NotOnWindows.Epoll)]
    public void D7_AnotherEpollInstanceCanBeWatchedExceptBySelect()
    {
        using var inner = new EpollSelector();
        if (SocketsOnly)
        {
            _selector.Invoking(s => s.Register(inner.Fileno(), SelectorEvents.Read)).Should().Throw<SocketException>();
            _selector.GetMap().Should().BeEmpty();
            return;
        }

        SelectorKey key = _selector.Register(inner.Fileno(), SelectorEvents.Read);
        var (a, b) = SocketPair();
        inner.Register(a, SelectorEvents.Read);
        b.Send(new byte[] { 1 });
        EventsOf(key).Should().Be(SelectorEvents.Read, "a nested epoll is readable when it has events");
        _selector.Unregister(key.Fd);
    }

    [Test]
    public void E1_UnregisterReturnsTheKeyAndForgetsIt()
    {
        var (a, b) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read);
        b.Send(new byte[] { 1 });
        _selector.Unregister(a).Should().BeSameAs(key);
        _selector.GetMap().Should().BeEmpty();
        _selector.Select(0.05).Should().BeEmpty("the unregistered socket is no longer watched");
    }

    [Test]
    public void E2_UnregisteringAnUnknownObjectIsKeyNotFound()
    {
        var (a, _) = SocketPair();
        _selector.Invoking(s => s.Unregister(a)).Should().Throw<KeyNotFoundException>().WithMessage("*is not registered*");
        _selector.Invoking(s => s.Unregister(999999)).Should().Throw<KeyNotFoundException>();
        _selector.Register(a, SelectorEvents.Read);
        _selector.Unregister(a);
        _selector.Invoking(s => s.Unregister(a)).Should().Throw<KeyNotFoundException>();
    }

    [Test]
    public void E3_UnregisteringAnInvalidObjectIsArgumentException()
    {
        _selector.Invoking(s => s.Unregister("foo")).Should().Throw<ArgumentException>();
        _selector.Invoking(s => s.Unregister(-1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void E4_UnregisterSucceedsAfterTheDescriptorWasClosed()
    {
        var (a, b) = Peers.SocketPairFds();
        _selector.Register(a, SelectorEvents.Read);
        Peers.Close(a, b);
        _selector.Unregister(a).Fd.Should().Be(a);
        _selector.GetMap().Should().BeEmpty();
    }

    [Test]
    public void E4_UnregisterSucceedsAfterTheSocketWasDisposed()
    {
        var (a, _) = SocketPair();
        _selector.Register(a, SelectorEvents.Read);
        a.Dispose();
        _selector.Unregister(a);
        _selector.GetMap().Should().BeEmpty();
    }

    [Test]
    [Platform(Exclude = "Win", Reason = NotOnWindows.LowestNumberReused)]
    public void E4_UnregisterSucceedsAfterTheNumberWasClosedAndReused()
    {
        var (a, b) = Peers.SocketPairFds();
        _selector.Register(a, SelectorEvents.Read);
        Peers.Close(a);
        int reused = Peers.Dup(b);
        _fds.Add(b);
        _fds.Add(reused);
        reused.Should().Be(a, "the lowest free number is reused");
        _selector.Unregister(a);
        _selector.GetMap().Should().BeEmpty();
    }

    [Test]
    public void F1_ModifyOfAnUnknownObjectIsKeyNotFoundAndOfAnInvalidOneArgumentException()
    {
        var (a, _) = SocketPair();
        _selector.Invoking(s => s.Modify(a, SelectorEvents.Read)).Should().Throw<KeyNotFoundException>().WithMessage("*is not registered*");
        _selector.Invoking(s => s.Modify("foo", SelectorEvents.Read)).Should().Throw<ArgumentException>();
    }

    [Test]
    public void F2_SameEventsAndEqualDataReturnTheSameKeyAndKeepTheOldData()
    {
        var (a, _) = SocketPair();
        string data = new('x', 3);
        SelectorKey key = _selector.Register(a, SelectorEvents.Read, data);
        string equalButDifferent = new('x', 3);
        SelectorKey same = _selector.Modify(a, SelectorEvents.Read, equalButDifferent);
        same.Should().BeSameAs(key);
        same.Data.Should().BeSameAs(data);
    }

    [Test]
    public void F3_ADataOnlyChangeMakesANewKeyWithTheSameEvents()
    {
        var (a, b) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read, "old");
        SelectorKey modified = _selector.Modify(a, SelectorEvents.Read, "new");
        modified.Should().Be(key with { Data = "new" });
        _selector.GetKey(a).Should().BeSameAs(modified);
        b.Send(new byte[] { 1 });
        _selector.Select(1.0).Should().ContainSingle().Which.Key.Should().BeSameAs(modified);
    }

    [Test]
    public void F4_OmittedDataResetsDataToNull()
    {
        var (a, _) = SocketPair();
        _selector.Register(a, SelectorEvents.Read, "data");
        _selector.Modify(a, SelectorEvents.Write).Data.Should().BeNull();
        _selector.Modify(a, SelectorEvents.Write, "again");
        _selector.Modify(a, SelectorEvents.Write).Data.Should().BeNull("same events with different (null) data is a data-only change");
    }

    [Test]
    public void F5_ChangingEventsTakesEffectAndKeepsTheOriginalFileObject()
    {
        var (a, _) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read, "d");
        EventsOf(key, 0.05).Should().Be(SelectorEvents.None, "nothing to read yet");
        SelectorKey modified = _selector.Modify((int)a.Handle, SelectorEvents.Write, "d");
        modified.FileObject.Should().BeSameAs(a, "modify by descriptor keeps the registered object (poll-like behaviour)");
        modified.Events.Should().Be(SelectorEvents.Write);
        EventsOf(modified).Should().Be(SelectorEvents.Write);
    }

    [TestCase(0)]
    [TestCase(4)]
    public void F6_ModifyWithInvalidEventsThrowsAndKeepsTheRegistration(int events)
    {
        var (a, _) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Write, "d");
        _selector.Invoking(s => s.Modify(a, (SelectorEvents)events, "d")).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("events");
        _selector.GetKey(a).Should().BeSameAs(key, "unlike Python's select backend, the registration is not lost");
        EventsOf(key).Should().Be(SelectorEvents.Write);
    }

    [Test]
    public void F6_AFailedModifyOfAClosedSocketKeepsTheOldKey()
    {
        var (a, _) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read, "d");
        a.Dispose();
        if (_selector.Backend == SelectorBackend.Epoll)
        {
            _selector.Invoking(s => s.Modify(a, SelectorEvents.Write)).Should().Throw<UnixSystemCallException>().Which.ErrorName.Should().Be("EBADF");
            _selector.GetKey(a).Should().BeSameAs(key, "Python drops the key here; we keep it so map and kernel agree");
        }
        else
        {
            _selector.Modify(a, SelectorEvents.Write).Events.Should().Be(SelectorEvents.Write, "poll and select make no system call in modify");
        }

        _selector.Unregister(a);
        _selector.GetMap().Should().BeEmpty();
    }

    /// <summary>An <see cref="IFileObject"/> with a scripted <c>Fileno()</c>.</summary>
    private sealed class FileObject(Func<int> fileno) : IFileObject
    {
        public FileObject(int fd)
            : this(() => fd)
        {
        }

        public int Fileno() => fileno();

        public override string ToString() => "FileObject";
    }
}
