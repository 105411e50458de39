using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Sockets;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Loop;

/// <summary>
/// <see cref="SelectorLoop"/> over an <see cref="ISelector"/> that is not a <see cref="BaseSelector"/>: the loop needs
/// only the interface (its span Select for I/O, Wakeup for the thread-safe members, Close when it owns it).
/// </summary>
public sealed class SelectorLoopOverISelectorTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Test]
    public void ALoopOverAWrappingSelectorDispatchesItsKeys_WakesForOtherThreads_AndClosesItWhenOwned()
    {
        var inner = new DefaultSelector();
        var wrapper = new WrappingSelector(inner);
        var loop = new SelectorLoop(wrapper, ownsSelector: true);
        var (a, b) = Peers.SocketPair();
        using (a)
        using (b)
        {
            var calls = new List<(SelectorKey Key, SelectorEvents Events)>();
            Action<SelectorKey, SelectorEvents> record = (key, events) => calls.Add((key, events));
            SelectorKey key = loop.Selector.Register(a, SelectorEvents.Read, record);
            b.Send(new byte[] { 1 });

            loop.RunOnce(Bound);

            calls.Should().Equal((key, SelectorEvents.Read));
            wrapper.SpanSelects.Should().BeGreaterThan(0, "the loop waited through the wrapper");

            loop.Selector.Unregister(a);
            var clock = Stopwatch.StartNew();
            loop.CallLater(TimeSpan.FromHours(1), () => { });
            var thread = new LoopThread(loop, "loop over a wrapper");
            thread.WaitUntilAsleep(Bound).Should().BeTrue("the loop waits for its timer");
            loop.Stop();
            thread.Join(Bound).Should().BeTrue();
            thread.Failure.Should().BeNull();
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "Stop woke the loop through the wrapper's Wakeup");
            wrapper.Wakeups.Should().BeGreaterThan(0);

            loop.Dispose();
            inner.IsClosed.Should().BeTrue("an owned selector is closed with the loop");
        }
    }

    /// <summary>A selector of the caller's own, as a user might write one: it counts calls and delegates the rest.</summary>
    private sealed class WrappingSelector(ISelector inner) : ISelector
    {
        public int SpanSelects { get; private set; }

        public int Wakeups => _wakeups;

        private int _wakeups;

        public SelectorBackend Backend => inner.Backend;

        public SelectorKey Register(object fileObject, SelectorEvents events, object? data = null) => inner.Register(fileObject, events, data);

        public SelectorKey Unregister(object fileObject) => inner.Unregister(fileObject);

        public SelectorKey Modify(object fileObject, SelectorEvents events, object? data = null) => inner.Modify(fileObject, events, data);

        public IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> Select(TimeSpan? timeout = null) => inner.Select(timeout);

        public IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> Select(double timeoutSeconds) => inner.Select(timeoutSeconds);

        public int Select(Span<(SelectorKey Key, SelectorEvents Events)> ready, TimeSpan? timeout = null)
        {
            SpanSelects++;
            return inner.Select(ready, timeout);
        }

        public int Select(Span<(SelectorKey Key, SelectorEvents Events)> ready, double timeoutSeconds)
        {
            SpanSelects++;
            return inner.Select(ready, timeoutSeconds);
        }

        public void Wakeup()
        {
            System.Threading.Interlocked.Increment(ref _wakeups);
            inner.Wakeup();
        }

        public SelectorKey GetKey(object fileObject) => inner.GetKey(fileObject);

        public IReadOnlyDictionary<int, SelectorKey> GetMap() => inner.GetMap();

        public void Close() => inner.Close();

        public void Dispose() => inner.Dispose();
    }
}
