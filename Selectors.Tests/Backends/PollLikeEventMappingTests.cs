using FluentAssertions;
using NUnit.Framework;
using Selectors.Engines;
using Selectors.Epoll;
using Selectors.Poll;

namespace Selectors.Tests.Backends;

/// <summary>Spec K4: CPython's poll-like mapping of raw bits to selector events, for both epoll's and poll's bit values.</summary>
public class PollLikeEventMappingTests
{
    private const SelectorEvents Both = SelectorEvents.Read | SelectorEvents.Write;

    [TestCase(EpollEvents.In, SelectorEvents.Read)]
    [TestCase(EpollEvents.Out, SelectorEvents.Write)]
    [TestCase(EpollEvents.In | EpollEvents.Out, Both)]
    [TestCase(EpollEvents.Hup, Both)]
    [TestCase(EpollEvents.Err, Both)]
    [TestCase(EpollEvents.Pri, Both)]
    [TestCase(EpollEvents.RdHup, Both)]
    [TestCase(EpollEvents.In | EpollEvents.Hup, Both)]
    [TestCase(EpollEvents.Out | EpollEvents.Err, Both)]
    [TestCase(EpollEvents.None, SelectorEvents.None)]
    public void K4_EpollBits(EpollEvents raw, SelectorEvents expected) =>
        SelectorEngine.FromPollBits((uint)raw, (uint)EpollEvents.In, (uint)EpollEvents.Out).Should().Be(expected);

    [TestCase(PollEvents.In, SelectorEvents.Read)]
    [TestCase(PollEvents.Out, SelectorEvents.Write)]
    [TestCase(PollEvents.In | PollEvents.Out, Both)]
    [TestCase(PollEvents.Hup, Both)]
    [TestCase(PollEvents.Err, Both)]
    [TestCase(PollEvents.Nval, Both)]
    [TestCase(PollEvents.Pri, Both)]
    [TestCase(PollEvents.RdHup, Both)]
    public void K4_PollBits(PollEvents raw, SelectorEvents expected) =>
        SelectorEngine.FromPollBits((uint)(ushort)raw, (uint)PollEvents.In, (uint)PollEvents.Out).Should().Be(expected);
}
