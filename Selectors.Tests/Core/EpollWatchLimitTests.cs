using System;
using System.Linq;
using FluentAssertions;
using Mono.Unix;
using Errno = Mono.Unix.Native.Errno;
using NUnit.Framework;
using Selectors.Epoll;
using Selectors.Tests.Support;

namespace Selectors.Tests.Core;

/// <summary>
/// Spec N4: past fs.epoll.max_user_watches, epoll_ctl(ADD) fails with ENOSPC. The error must say so (the call and the
/// errno), and the failed Register must leave the selector as it was. The limit is lowered for one call only
/// (<see cref="EpollWatchLimit"/>); nothing else in this process may run meanwhile.
/// </summary>
[NonParallelizable]
[Platform("Linux")]
public sealed class EpollWatchLimitTests
{
    /// <summary>A descriptor number no process has open: epoll_ctl(ADD) fails with EBADF, through the same code as ENOSPC.</summary>
    private const int NeverOpened = int.MaxValue;

    [Test]
    public void N4_Fault_WatchLimitReached_EpollSelectorRegisterThrowsEnospcAndStaysUnchanged()
    {
        using var selector = new EpollSelector();
        var (held, heldPeer) = Peers.SocketPair();
        var (next, nextPeer) = Peers.SocketPair();
        using (held)
        using (heldPeer)
        using (next)
        using (nextPeer)
        {
            // Held throughout: a watch of this user's own, so a limit of 1 is reached whatever else runs on the machine.
            SelectorKey heldKey = selector.Register(held, SelectorEvents.Read, "held");
            var mapBefore = selector.GetMap().ToDictionary(entry => entry.Key, entry => entry.Value);
            FluentActions.Invoking(() => selector.Register(NeverOpened, SelectorEvents.Read)).Should().Throw<UnixIOException>("warm-up: the failure path, once");

            Exception? failure = EpollWatchLimit.WhileLoweredToOne(() => selector.Register(next, SelectorEvents.Read, "next"));

            ShouldBeEnospcFromEpollCtl(failure);
            selector.GetMap().Should().BeEquivalentTo(mapBefore);
            EpollFdInfo.Read(selector.Fileno()).Should().BeEquivalentTo(EpollFdInfo.Expected(mapBefore), "the kernel holds what the map says");

            SelectorKey nextKey = selector.Register(next, SelectorEvents.Read, "next");
            nextPeer.Send(new byte[] { 1 });
            selector.Select(1.0).Should().Equal(new[] { (nextKey, SelectorEvents.Read) });
            selector.GetMap().Should().HaveCount(2).And.ContainValue(heldKey);
        }
    }

    [Test]
    public void N4_Fault_WatchLimitReached_EpollInstanceRegisterThrowsEnospc()
    {
        var (held, next) = Peers.SocketPairFds();
        try
        {
            using var epoll = new EpollInstance();
            epoll.Register(held, EpollEvents.In);
            epoll.Invoking(e => e.Register(NeverOpened, EpollEvents.In)).Should().Throw<UnixIOException>("warm-up: the failure path, once");

            Exception? failure = EpollWatchLimit.WhileLoweredToOne(() => epoll.Register(next, EpollEvents.In));

            ShouldBeEnospcFromEpollCtl(failure);
            EpollFdInfo.Read(epoll.Fileno()).Keys.Should().Equal(held);
            epoll.Register(next, EpollEvents.Out);
            epoll.Poll(1.0).Should().ContainSingle().Which.Fd.Should().Be(next);
        }
        finally
        {
            Peers.Close(held, next);
        }
    }

    private static void ShouldBeEnospcFromEpollCtl(Exception? failure)
    {
        failure.Should().NotBeNull("registering past the watch limit must fail");
        var error = failure.Should().BeAssignableTo<UnixSystemCallException>().Which;
        TestContext.Out.WriteLine($"{error.GetType().Name}: {error.Message}");
        error.ErrorName.Should().Be("ENOSPC");
        error.NativeErrorCode.Should().Be(28);
        error.Message.Should().Contain("epoll_ctl").And.Contain("ENOSPC", "the message names the errno, as Python's OSError does");
    }
}
