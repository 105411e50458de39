using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using FluentAssertions;
using Microsoft.Win32.SafeHandles;
using Mono.Unix;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Core;

/// <summary>
/// docs/design.md "Errors", spec D5, F5/F6: a call that throws leaves the selector unchanged — the same key objects in the
/// map, and (epoll) the same kernel interest list, read from /proc/self/fdinfo; Select still reports the old registrations.
/// </summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.Backends))]
[NonParallelizable]
[Platform("Linux")]
public sealed class FailedCallsLeaveSelectorUnchangedTests(SelectorBackend backend)
{
    private BaseSelector _selector = null!;
    private Socket _readable = null!;
    private Socket _readablePeer = null!;
    private Socket _writable = null!;
    private Socket _writablePeer = null!;
    private SelectorKey _readKey = null!;
    private SelectorKey _writeKey = null!;

    [SetUp]
    public void SetUp()
    {
        (_readable, _readablePeer) = Peers.SocketPair();
        (_writable, _writablePeer) = Peers.SocketPair();
        _selector = SelectorFactory.Create(backend);
        _readKey = _selector.Register(_readable, SelectorEvents.Read, "r");
        _writeKey = _selector.Register(_writable, SelectorEvents.Write, "w");
        _readablePeer.Send(new byte[] { 1 });
        AssertState();
    }

    [TearDown]
    public void TearDown()
    {
        _selector.Dispose();
        _readable.Dispose();
        _readablePeer.Dispose();
        _writable.Dispose();
        _writablePeer.Dispose();
    }

    [Test]
    public void D3_RegisterDuplicate_SameObject_Throws_NothingChanges()
    {
        FluentActions.Invoking(() => _selector.Register(_readable, SelectorEvents.Write, "again")).Should().Throw<ArgumentException>();
        AssertState();
    }

    [Test]
    public void D3_RegisterDuplicate_SameFdAsInt_Throws_NothingChanges()
    {
        FluentActions.Invoking(() => _selector.Register(_writable.Handle.ToInt32(), SelectorEvents.Read)).Should().Throw<ArgumentException>();
        AssertState();
    }

    [TestCase(0)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(-1)]
    public void D2_RegisterBadEvents_Throws_NothingStored(int events)
    {
        var (a, b) = Peers.SocketPair();
        using (a)
        using (b)
        {
            FluentActions.Invoking(() => _selector.Register(a, (SelectorEvents)events)).Should().Throw<ArgumentOutOfRangeException>();
            AssertState();
            _selector.GetMap().ContainsKey(a.Handle.ToInt32()).Should().BeFalse();
        }
    }

    [TestCase(0)]
    [TestCase(4)]
    [TestCase(7)]
    public void F6_ModifyBadEvents_Throws_KeyAndInterestKept(int events)
    {
        FluentActions.Invoking(() => _selector.Modify(_readable, (SelectorEvents)events, "x")).Should().Throw<ArgumentOutOfRangeException>();
        AssertState();
    }

    [Test]
    public void F1_ModifyUnknown_Throws_NothingChanges()
    {
        var (a, b) = Peers.SocketPair();
        using (a)
        using (b)
        {
            FluentActions.Invoking(() => _selector.Modify(a, SelectorEvents.Read)).Should().Throw<KeyNotFoundException>();
            AssertState();
        }
    }

    [Test]
    public void E2_UnregisterUnknown_Throws_NothingChanges()
    {
        var (a, b) = Peers.SocketPair();
        using (a)
        using (b)
        {
            FluentActions.Invoking(() => _selector.Unregister(a)).Should().Throw<KeyNotFoundException>();
            FluentActions.Invoking(() => _selector.Unregister(a.Handle.ToInt32())).Should().Throw<KeyNotFoundException>();
            AssertState();
        }
    }

    [Test]
    public void D7_RegisterRegularFile_EpollRefusesWithEperm_SelectWithNotSocket_PollAccepts()
    {
        string path = Path.GetTempFileName();
        try
        {
            using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
            int fd = file.DangerousGetHandle().ToInt32();
            switch (backend)
            {
                case SelectorBackend.Epoll:
                    FluentActions.Invoking(() => _selector.Register(file, SelectorEvents.Read)).Should().Throw<UnixSystemCallException>()
                        .Which.ErrorName.Should().Be("EPERM");
                    AssertState();
                    break;
                case SelectorBackend.Select:
                    FluentActions.Invoking(() => _selector.Register(file, SelectorEvents.Read)).Should().Throw<SocketException>()
                        .Which.SocketErrorCode.Should().Be(SocketError.NotSocket);
                    AssertState();
                    file.IsClosed.Should().BeFalse("a refused registration does not close the caller's handle");
                    break;
                default:
                    // poll keeps no kernel state: a regular file registers and is always ready (spec D7).
                    SelectorKey key = _selector.Register(file, SelectorEvents.Read);
                    _selector.Select(0).Should().Contain((key, SelectorEvents.Read));
                    _selector.Unregister(file).Should().BeSameAs(key);
                    AssertState();
                    break;
            }

            fd.Should().BeGreaterThan(2);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void D7_RegisterClosedDescriptor_EpollEbadf_SelectSocketException_PollReportsNval()
    {
        var (read, write) = Peers.Pipe();
        Peers.Close(read, write);
        if (backend == SelectorBackend.Poll)
        {
            // poll registers any descriptor (spec D7, N9) and reports a closed one through POLLNVAL.
            SelectorKey key = _selector.Register(read, SelectorEvents.Read);
            _selector.Select(0).Should().Contain((key, SelectorEvents.Read));
            _selector.Unregister(read).Should().BeSameAs(key);
        }
        else if (backend == SelectorBackend.Epoll)
        {
            FluentActions.Invoking(() => _selector.Register(read, SelectorEvents.Read)).Should().Throw<UnixSystemCallException>()
                .Which.ErrorName.Should().Be("EBADF");
        }
        else
        {
            FluentActions.Invoking(() => _selector.Register(read, SelectorEvents.Read)).Should().Throw<SocketException>();
        }

        AssertState();
    }

    [Test]
    public void N18_RegisterPipe_SelectThrowsSocketException_NothingStored_PipeStillOpen()
    {
        var (read, write) = Peers.Pipe();
        try
        {
            if (backend != SelectorBackend.Select)
            {
                // Only the select backend is limited to sockets: epoll and poll watch pipes.
                SelectorKey key = _selector.Register(read, SelectorEvents.Read);
                Peers.Write(write);
                _selector.Select(1.0).Should().Contain((key, SelectorEvents.Read));
                Peers.Read(read).Should().Be(1);
                _selector.Unregister(read).Should().BeSameAs(key);
                AssertState();
                return;
            }

            FluentActions.Invoking(() => _selector.Register(read, SelectorEvents.Read)).Should().Throw<SocketException>();
            FluentActions.Invoking(() => _selector.Register(write, SelectorEvents.Write)).Should().Throw<SocketException>();
            AssertState();
            _selector.GetMap().ContainsKey(read).Should().BeFalse();

            // The failed registration neither closed nor damaged the pipe.
            Peers.Write(write);
            Peers.Read(read).Should().Be(1);
        }
        finally
        {
            Peers.Close(read, write);
        }
    }

    [Test]
    public void F5_ModifyClosedButRegisteredSocket_EpollThrowsAndKeepsTheOldKey_OthersRecordIt()
    {
        var (a, b) = Peers.SocketPair();
        using (b)
        {
            if (backend != SelectorBackend.Epoll)
            {
                // Only epoll makes a system call in Modify; poll and select just record the new interest.
                _selector.Register(a, SelectorEvents.Read, "a");
                a.Dispose();
                _selector.Modify(a, SelectorEvents.Write, "changed").Events.Should().Be(SelectorEvents.Write);
                _selector.Unregister(a).Data.Should().Be("changed");
                AssertState();
                return;
            }

            SelectorKey key = _selector.Register(a, SelectorEvents.Read, "a");
            int fd = key.Fd;
            a.Dispose(); // the kernel drops the registration with the last reference to the socket
            Dictionary<int, uint> kernelBefore = EpollFdInfo.Read(((EpollSelector)_selector).Fileno());
            kernelBefore.Should().NotContainKey(fd);

            FluentActions.Invoking(() => _selector.Modify(a, SelectorEvents.Write, "changed")).Should().Throw<UnixSystemCallException>()
                .Which.ErrorName.Should().BeOneOf("EBADF", "ENOENT");

            _selector.GetKey(a).Should().BeSameAs(key, "Python drops the key here (spec F5); we keep it (F6)");
            _selector.GetMap()[fd].Should().BeSameAs(key);
            EpollFdInfo.Read(((EpollSelector)_selector).Fileno()).Should().BeEquivalentTo(kernelBefore);

            _selector.Unregister(a).Should().BeSameAs(key);
            AssertState();
        }
    }

    /// <summary>The map holds exactly the two keys from SetUp (same objects), epoll's kernel list agrees, and Select reports them.</summary>
    private void AssertState()
    {
        var map = _selector.GetMap();
        map.Should().HaveCount(2);
        map[_readKey.Fd].Should().BeSameAs(_readKey);
        map[_writeKey.Fd].Should().BeSameAs(_writeKey);
        _selector.GetKey(_readable).Should().BeSameAs(_readKey);
        _selector.GetKey(_writable).Should().BeSameAs(_writeKey);

        if (_selector is EpollSelector epoll)
        {
            EpollFdInfo.Read(epoll.Fileno()).Should().BeEquivalentTo(EpollFdInfo.Expected(map));
        }

        var ready = _selector.Select(2.0);
        ready.Should().HaveCount(2);
        ready.Should().ContainSingle(r => ReferenceEquals(r.Key, _readKey)).Which.Events.Should().Be(SelectorEvents.Read);
        ready.Should().ContainSingle(r => ReferenceEquals(r.Key, _writeKey)).Which.Events.Should().Be(SelectorEvents.Write);
    }
}
