using System;
using System.Collections.Generic;
using FluentAssertions;
using NUnit.Framework;

namespace Selectors.Tests.Conformance;

/// <summary>Spec sections G–I: get_key, the live read-only map, close and use after close.</summary>
public partial class SelectorConformanceTests
{
    [Test]
    public void G1_GetKeyAfterCloseIsObjectDisposedEvenForAnInvalidObject()
    {
        _selector.Close();
        _selector.Invoking(s => s.GetKey("foo")).Should().Throw<ObjectDisposedException>();
    }

    [Test]
    public void G2_GetKeyByDescriptorReturnsTheKeyOfTheRegisteredObject()
    {
        var (a, _) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read);
        _selector.GetKey((int)a.Handle).Should().BeSameAs(key);
        _selector.GetKey(a.SafeHandle).FileObject.Should().BeSameAs(a);
    }

    [Test]
    public void G3_GetKeyOfAnUnknownObjectIsKeyNotFoundAndOfAnInvalidOneArgumentException()
    {
        var (a, _) = SocketPair();
        _selector.Invoking(s => s.GetKey(a)).Should().Throw<KeyNotFoundException>().WithMessage("*is not registered*");
        _selector.Invoking(s => s.GetKey("foo")).Should().Throw<ArgumentException>();
    }

    [Test]
    public void H1_GetMapReturnsOneLiveView()
    {
        SelectorMapping map = _selector.GetMap();
        _selector.GetMap().Should().BeSameAs(map);
        ((ISelector)_selector).GetMap().Should().BeSameAs(map);
        var (a, _) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read);
        map.Should().ContainKey(key.Fd, "registrations made after GetMap are visible");
    }

    [Test]
    public void H2_CountIsTheNumberOfRegistrations()
    {
        var (a, b) = SocketPair();
        _selector.GetMap().Count.Should().Be(0);
        _selector.Register(a, SelectorEvents.Read);
        _selector.Register(b, SelectorEvents.Read);
        _selector.GetMap().Count.Should().Be(2);
        _selector.Unregister(a);
        _selector.GetMap().Count.Should().Be(1);
    }

    [Test]
    public void H3_KeysAreDescriptorsAndValuesAreSelectorKeys()
    {
        var (a, b) = SocketPair();
        SelectorKey ka = _selector.Register(a, SelectorEvents.Read);
        SelectorKey kb = _selector.Register(b, SelectorEvents.Write);
        SelectorMapping map = _selector.GetMap();
        map.Keys.Should().BeEquivalentTo(new[] { (int)a.Handle, (int)b.Handle });
        // By value (a record's equality: the same file object), not member by member into the sockets, whose
        // comparison depends on the order, which is unspecified.
        map.Values.Should().BeEquivalentTo(new[] { ka, kb }, o => o.ComparingByValue<SelectorKey>());
        map.Should().Contain(new KeyValuePair<int, SelectorKey>(ka.Fd, ka));
    }

    [Test]
    public void H4_TheMapAnswersForFileObjectsAndDescriptors()
    {
        var (a, b) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read);
        SelectorMapping map = _selector.GetMap();
        map[a].Should().BeSameAs(key);
        map[(int)a.Handle].Should().BeSameAs(key);
        map.Contains(a).Should().BeTrue();
        map.TryGetValue(key.Fd, out SelectorKey? found).Should().BeTrue();
        found.Should().BeSameAs(key);
        map.Get(b).Should().BeNull();
        map.Contains(b).Should().BeFalse();
        map.Invoking(m => m[b]).Should().Throw<KeyNotFoundException>();
        map.Invoking(m => m[999999]).Should().Throw<KeyNotFoundException>();
    }

    [Test]
    public void H5_InvalidObjectsMakeTheMapThrowInsteadOfAnsweringNo()
    {
        SelectorMapping map = _selector.GetMap();
        map.Invoking(m => m.Contains("foo")).Should().Throw<ArgumentException>();
        map.Invoking(m => m.Get("foo")).Should().Throw<ArgumentException>();
        map.Invoking(m => m[(object)"foo"]).Should().Throw<ArgumentException>();
        map.Invoking(m => m.Contains(-1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void H6_TheMapIsReadOnly()
    {
        SelectorMapping map = _selector.GetMap();
        map.Should().NotBeAssignableTo<IDictionary<int, SelectorKey>>();
        map.Should().NotBeAssignableTo<System.Collections.IDictionary>();
        typeof(SelectorMapping).GetMethods().Should().NotContain(m => m.Name == "Remove" || m.Name == "Add" || m.Name == "Clear");
    }

    [Test]
    public void H7_TheMapEqualsAPlainDictionaryOfItsEntries()
    {
        var (a, b) = SocketPair();
        SelectorKey ka = _selector.Register(a, SelectorEvents.Read);
        SelectorKey kb = _selector.Register(b, SelectorEvents.Write);
        _selector.GetMap().Should().BeEquivalentTo(new Dictionary<int, SelectorKey> { [ka.Fd] = ka, [kb.Fd] = kb });
    }

    [Test]
    public void H8_ChangingTheSelectorWhileEnumeratingTheMapThrows()
    {
        var (a, b) = SocketPair();
        _selector.Register(a, SelectorEvents.Read);
        Action enumerateAndRegister = () =>
        {
            foreach (var _ in _selector.GetMap())
            {
                _selector.Register(b, SelectorEvents.Read);
            }
        };
        enumerateAndRegister.Should().Throw<InvalidOperationException>();
    }

    [Test]
    public void H9_AfterCloseGetMapThrowsAndAnOldViewIsEmpty()
    {
        var (a, _) = SocketPair();
        SelectorKey key = _selector.Register(a, SelectorEvents.Read);
        SelectorMapping map = _selector.GetMap();
        _selector.Close();
        _selector.Invoking(s => s.GetMap()).Should().Throw<ObjectDisposedException>();
        map.Count.Should().Be(0);
        map.Should().BeEmpty();
        map.Invoking(m => m[key.Fd]).Should().Throw<KeyNotFoundException>();
        map.Get(a).Should().BeNull();
        map.Contains(a).Should().BeFalse();
    }

    [Test]
    public void I1_CloseLeavesTheRegisteredFileObjectsOpen()
    {
        var (a, b) = SocketPair();
        _selector.Register(a, SelectorEvents.Read);
        _selector.Register((int)b.Handle, SelectorEvents.Write);
        _selector.Close();
        a.Send(new byte[] { 7 }).Should().Be(1);
        var buffer = new byte[1];
        b.Receive(buffer).Should().Be(1);
        buffer[0].Should().Be(7);
    }

    [Test]
    public void I2_CloseAndDisposeAreIdempotent()
    {
        _selector.Close();
        _selector.Invoking(s => s.Close()).Should().NotThrow();
        _selector.Invoking(s => s.Dispose()).Should().NotThrow();
        _selector.IsClosed.Should().BeTrue();
    }

    [Test]
    public void I3_UsingDisposesTheSelector()
    {
        BaseSelector selector;
        using (selector = NewSelector())
        {
            selector.IsClosed.Should().BeFalse();
        }

        selector.IsClosed.Should().BeTrue();
        selector.Invoking(s => s.Select(0)).Should().Throw<ObjectDisposedException>();
    }

    [Test]
    public void I5_EveryMemberButCloseThrowsObjectDisposedAfterClose()
    {
        var (a, b) = SocketPair();
        _selector.Register(a, SelectorEvents.Read);
        _selector.Close();
        _selector.Invoking(s => s.Register(b, SelectorEvents.Read)).Should().Throw<ObjectDisposedException>();
        _selector.Invoking(s => s.Unregister(a)).Should().Throw<ObjectDisposedException>();
        _selector.Invoking(s => s.Modify(a, SelectorEvents.Write)).Should().Throw<ObjectDisposedException>();
        _selector.Invoking(s => s.Select(0)).Should().Throw<ObjectDisposedException>();
        _selector.Invoking(s => s.Select(TimeSpan.Zero)).Should().Throw<ObjectDisposedException>();
        _selector.Invoking(s => s.GetKey(a)).Should().Throw<ObjectDisposedException>();
        _selector.Invoking(s => s.GetMap()).Should().Throw<ObjectDisposedException>();
        if (_selector is EpollSelector epoll)
        {
            epoll.Invoking(s => s.Fileno()).Should().Throw<ObjectDisposedException>();
        }
    }
}
