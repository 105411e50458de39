using System;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Backends;

/// <summary>What only the poll selector does (spec N8–N12), beside the conformance suite.</summary>
public class PollSelectorTests
{
    [Test]
    public void N9_ANeverOpenedDescriptorRegistersAndIsReportedReady()
    {
        using var selector = new PollSelector();
        SelectorKey key = selector.Register(999_999, SelectorEvents.Read | SelectorEvents.Write);
        selector.Select(1.0).Should().Equal(new[] { (key, SelectorEvents.Read | SelectorEvents.Write) }, "POLLNVAL counts as both");
        selector.Unregister(999_999).Should().BeSameAs(key);
    }

    [Test]
    public void N12_ASecondConcurrentSelectFailsInsteadOfRacing()
    {
        using var selector = new PollSelector();
        var (read, write) = Peers.Pipe();
        try
        {
            SelectorKey key = selector.Register(read, SelectorEvents.Read);
            var inside = new ManualResetEventSlim();
            Task<int> blocked = Task.Run(() =>
            {
                inside.Set();
                return selector.Select(10.0).Count;
            });
            inside.Wait(TimeSpan.FromSeconds(5)).Should().BeTrue();
            Thread.Sleep(200); // let the first Select reach poll(2)
            selector.Invoking(s => s.Select(0)).Should().Throw<InvalidOperationException>().WithMessage("*Concurrent*");
            Peers.Write(write);
            blocked.Wait(TimeSpan.FromSeconds(5)).Should().BeTrue();
            blocked.Result.Should().Be(1);
            selector.Select(0).Should().ContainSingle().Which.Key.Should().BeSameAs(key, "the failed call changed nothing");
        }
        finally
        {
            Peers.Close(read, write);
        }
    }
}
