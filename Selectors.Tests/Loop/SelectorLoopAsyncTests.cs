using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Loop;

/// <summary>
/// The coroutine half of <see cref="SelectorLoop"/> on every backend: RunUntilComplete, the loop's synchronization
/// context, the readiness awaitables and the socket calls over real loopback TCP, cancellation, disposal and
/// allocation. Every run is bounded by <see cref="Bound"/>.
/// </summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.Selectors))]
public sealed class SelectorLoopAsyncTests(string backend) : LoopFixture(backend)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Test]
    public void ContinuationsRunOnTheLoopThread_AfterEveryKindOfAwait()
    {
        int loopThread = Environment.CurrentManagedThreadId;
        SynchronizationContext? before = SynchronizationContext.Current;
        var seen = new List<(string After, int Thread)>();
        Run(async token =>
        {
            seen.Add(("start", Environment.CurrentManagedThreadId));
            await Task.Yield();
            seen.Add(("Task.Yield", Environment.CurrentManagedThreadId));
            await Task.Delay(10, token);
            seen.Add(("Task.Delay", Environment.CurrentManagedThreadId));
            await Task.Run(() => Thread.Sleep(10), token);
            seen.Add(("Task.Run", Environment.CurrentManagedThreadId));

            using Socket listener = Listener();
            Socket client = NonBlocking(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            ValueTask<Socket> accepting = Loop.SockAcceptAsync(listener, token);
            await Loop.SockConnectAsync(client, listener.LocalEndPoint!, token);
            seen.Add(("SockConnectAsync", Environment.CurrentManagedThreadId));
            Socket server = Keep(await accepting);
            seen.Add(("SockAcceptAsync", Environment.CurrentManagedThreadId));

            var buffer = new byte[16];
            ValueTask<int> receiving = Loop.SockRecvAsync(server, buffer, token);
            await Loop.WaitWritableAsync(client, token);
            seen.Add(("WaitWritableAsync", Environment.CurrentManagedThreadId));
            await Loop.SockSendAllAsync(client, new byte[] { 1, 2, 3 }, token);
            seen.Add(("SockSendAllAsync", Environment.CurrentManagedThreadId));
            (await receiving).Should().BeGreaterThan(0);
            seen.Add(("SockRecvAsync", Environment.CurrentManagedThreadId));
            client.Send(new byte[] { 4 });
            await Loop.WaitReadableAsync(server, token);
            seen.Add(("WaitReadableAsync", Environment.CurrentManagedThreadId));
            SynchronizationContext.Current.Should().NotBeNull().And.NotBeSameAs(before);
            return 0;
        });

        seen.Select(s => s.After).Should().HaveCount(10);
        seen.Should().OnlyContain(s => s.Thread == loopThread);
        SynchronizationContext.Current.Should().BeSameAs(before, "the previous context is restored when the run method returns");
    }

    [Test]
    public void RunUntilComplete_ReturnsTheResult_ThrowsTheException_AndTheLoopIsUsableAfter()
    {
        Loop.RunUntilComplete(async () =>
        {
            await Task.Yield();
            return 42;
        }).Should().Be(42);

        Action failing = () => Loop.RunUntilComplete(ThrowAfterAYield);
        failing.Should().Throw<FormatException>().WithMessage("from the task")
            .Which.StackTrace.Should().Contain(nameof(ThrowAfterAYield), "the stack trace of the task's exception is kept");

        Loop.IsRunning.Should().BeFalse();
        int ran = 0;
        Loop.RunUntilComplete(async () =>
        {
            await Task.Yield();
            ran++;
        });
        ran.Should().Be(1);
        Loop.RunUntilComplete(() => Task.FromResult("already done")).Should().Be("already done");
    }

    [Test]
    public void RunUntilComplete_WaitsInSelect_InsteadOfSpinning()
    {
        long turns = Loop.TurnCount;
        Loop.RunUntilComplete(() => Task.Delay(300));
        (Loop.TurnCount - turns).Should().BeLessThan(10);
    }

    [Test]
    public void RunUntilComplete_ATaskCompletedOnAnotherThread_EndsTheWait()
    {
        var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = new Timer(_ => source.SetResult(7), null, 50, Timeout.Infinite);
        Loop.RunUntilComplete(() => source.Task).Should().Be(7);
    }

    [Test]
    public void RunUntilComplete_StoppedBeforeTheTaskCompletes_Throws()
    {
        Action run = () => Loop.RunUntilComplete(async () =>
        {
            Loop.Stop();
            await Task.Delay(Bound);
        });
        run.Should().Throw<InvalidOperationException>().WithMessage("*stopped before*");
        Loop.RunUntilComplete(() => Task.FromResult(1)).Should().Be(1);
    }

    [Test]
    public void WaitReadableAndWritable_CompleteOnReadiness_AndTheInterestGoesAfterwards()
    {
        var (a, b) = TcpPair();
        Run(async token =>
        {
            await Loop.WaitWritableAsync(a, token);
            ValueTask readable = Loop.WaitReadableAsync(a, token);
            readable.IsCompleted.Should().BeFalse();
            Loop.Selector.GetKey(a).Events.Should().Be(SelectorEvents.Read | SelectorEvents.Write, "the write interest goes on the next turn");
            await Task.Yield();
            Loop.Selector.GetKey(a).Events.Should().Be(SelectorEvents.Read);
            b.Send(new byte[] { 1 });
            await readable;
            await Task.Yield();
            Loop.Selector.GetMap().Values.Should().NotContain(k => k.FileObject == a, "the interest is removed once no wait needs it");
            return 0;
        });
    }

    [Test]
    public void AReaderAndAWriterOnOneSocket_ShareOneRegistration()
    {
        var (a, b) = TcpPair();
        Run(async token =>
        {
            ValueTask reading = Loop.WaitReadableAsync(a, token);
            ValueTask writing = Loop.WaitWritableAsync(a, token);
            Loop.Selector.GetKey(a).Events.Should().Be(SelectorEvents.Read | SelectorEvents.Write);
            await writing;
            reading.IsCompleted.Should().BeFalse();
            await Task.Yield();
            Loop.Selector.GetKey(a).Events.Should().Be(SelectorEvents.Read);
            b.Send(new byte[] { 1 });
            await reading;
            await Task.Yield();
            Loop.Selector.GetMap().Values.Should().NotContain(k => k.FileObject == a);
            return 0;
        });
    }

    [Test]
    public void ASecondWaiter_AForeignRegistration_AndABlockingSocket_AreRefused()
    {
        var (a, b) = TcpPair();
        Run(async token =>
        {
            ValueTask first = Loop.WaitReadableAsync(a, token);
            Action second = () => Loop.WaitReadableAsync(a, token);
            second.Should().Throw<InvalidOperationException>().WithMessage("*already waiting*");
            Action recv = () => Loop.SockRecvAsync(a, new byte[1], token);
            recv.Should().Throw<InvalidOperationException>().WithMessage("*already waiting*");
            b.Send(new byte[] { 1 });
            await first;
            return 0;
        });

        var (c, _) = TcpPair();
        Loop.Selector.Register(c, SelectorEvents.Read, (Action<SelectorKey, SelectorEvents>)((_, _) => { }));
        Action foreign = () => Loop.WaitReadableAsync(c);
        foreign.Should().Throw<InvalidOperationException>().WithMessage($"*FD {Loop.Selector.GetKey(c).Fd}*already registered*");

        var (blocking, _) = Peers.TcpPair();
        Keep(blocking);
        Action blocked = () => Loop.SockRecvAsync(blocking, new byte[1]);
        blocked.Should().Throw<InvalidOperationException>().WithMessage("*must be non-blocking*");
    }

    [Test]
    public void SockRecv_ReturnsTheBytes_AndZeroAtTheEndOfTheStream()
    {
        var (a, b) = TcpPair();
        var buffer = new byte[8];
        Run(async token =>
        {
            ValueTask<int> receiving = Loop.SockRecvAsync(a, buffer, token);
            receiving.IsCompleted.Should().BeFalse();
            b.Send(new byte[] { 5, 6 });
            (await receiving).Should().Be(2);
            buffer[..2].Should().Equal(5, 6);

            ValueTask<int> atEnd = Loop.SockRecvAsync(a, buffer, token);
            b.Shutdown(SocketShutdown.Send);
            (await atEnd).Should().Be(0);
            (await Loop.SockRecvAsync(a, buffer, token)).Should().Be(0, "a second receive at the end completes at once");
            return 0;
        });
    }

    [Test]
    public void SockSendAll_SendsFourMebibytes_ToAPeerThatReadsSlowly()
    {
        var (a, b) = TcpPair();
        a.SendBufferSize = 64 << 10; // small buffers: the sender must wait for the reader many times
        b.ReceiveBufferSize = 64 << 10;
        var data = new byte[4 << 20];
        new Random(1).NextBytes(data);
        Run(async token =>
        {
            ValueTask sending = Loop.SockSendAllAsync(a, data, token);
            sending.IsCompleted.Should().BeFalse("4 MiB does not fit the socket buffers");
            var received = new byte[data.Length];
            int total = 0;
            int reads = 0;
            while (total < data.Length)
            {
                int n = await Loop.SockRecvAsync(b, received.AsMemory(total, Math.Min(64 << 10, data.Length - total)), token);
                n.Should().BePositive();
                total += n;
                if (++reads % 8 == 0)
                {
                    await Task.Delay(1, token); // slowly: the sender must wait for writability and send on
                }
            }

            await sending;
            received.AsSpan().SequenceEqual(data).Should().BeTrue();
            return 0;
        });
    }

    [Test]
    public void SockConnect_Connects_AndARefusedConnectionIsASocketException()
    {
        using Socket listener = Listener();
        Socket client = NonBlocking(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        Run(async token =>
        {
            await Loop.SockConnectAsync(client, listener.LocalEndPoint!, token);
            Socket server = Keep(await Loop.SockAcceptAsync(listener, token));
            await Loop.SockSendAllAsync(client, new byte[] { 9 }, token);
            var one = new byte[1];
            (await Loop.SockRecvAsync(server, one, token)).Should().Be(1);
            one[0].Should().Be(9);
            return 0;
        });

        // A bound socket that does not listen: its port refuses connections, and stays ours for the test.
        using var closedPort = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closedPort.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Socket refused = NonBlocking(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        Action connect = () => Run(async token =>
        {
            await Loop.SockConnectAsync(refused, closedPort.LocalEndPoint!, token);
            return 0;
        });
        connect.Should().Throw<SocketException>().Which.SocketErrorCode.Should().Be(SocketError.ConnectionRefused);
        Loop.Selector.GetMap().Should().BeEmpty();
    }

    [Test]
    public void SockAccept_AcceptsSeveralClients_NonBlocking()
    {
        using Socket listener = Listener();
        const int Clients = 5;
        Run(async token =>
        {
            var accepted = new List<Socket>();
            var connects = new List<Task>();
            for (int i = 0; i < Clients; i++)
            {
                ValueTask<Socket> accepting = Loop.SockAcceptAsync(listener, token);
                Socket client = NonBlocking(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                connects.Add(ConnectAndSend(client, (byte)i, token));
                accepted.Add(Keep(await accepting));
            }

            await Task.WhenAll(connects);
            var firstBytes = new List<byte>();
            foreach (Socket server in accepted)
            {
                server.Blocking.Should().BeFalse();
                var one = new byte[1];
                (await Loop.SockRecvAsync(server, one, token)).Should().Be(1);
                firstBytes.Add(one[0]);
            }

            firstBytes.Should().BeEquivalentTo(Enumerable.Range(0, Clients).Select(i => (byte)i));
            return 0;
        });
    }

    [Test]
    public void Cancellation_BeforeAndWhileWaiting_RemovesTheInterest()
    {
        var (a, _) = TcpPair();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        ValueTask<int> atOnce = Loop.SockRecvAsync(a, new byte[1], cancelled.Token);
        atOnce.IsCanceled.Should().BeTrue();
        Loop.Selector.GetMap().Should().BeEmpty();

        Run(async token =>
        {
            // Cancelled on the loop's thread.
            using var onLoop = new CancellationTokenSource();
            ValueTask<int> receiving = Loop.SockRecvAsync(a, new byte[1], onLoop.Token);
            Loop.Selector.GetMap().Values.Should().Contain(k => k.FileObject == a);
            onLoop.Cancel();
            Func<Task> awaiting = async () => await receiving;
            (await awaiting.Should().ThrowAsync<OperationCanceledException>()).Which.CancellationToken.Should().Be(onLoop.Token);
            Loop.Selector.GetMap().Values.Should().NotContain(k => k.FileObject == a);

            // Cancelled from another thread, while the loop waits in Select.
            using var elsewhere = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            ValueTask waiting = Loop.WaitReadableAsync(a, elsewhere.Token);
            ValueTask writing = Loop.WaitWritableAsync(a, token);
            await writing;
            awaiting = async () => await waiting;
            (await awaiting.Should().ThrowAsync<OperationCanceledException>()).Which.CancellationToken.Should().Be(elsewhere.Token);
            await Task.Yield();
            Loop.Selector.GetMap().Values.Should().NotContain(k => k.FileObject == a);
            Loop.PendingOperationCount.Should().Be(0);
            return 0;
        });
    }

    [Test]
    public void CancellationRacingCompletion_FromAnotherThread_LeavesNothingBehind()
    {
        var (a, b) = TcpPair();
        var buffer = new byte[64];
        var random = new Random(7);
        int received = 0;
        int cancelled = 0;
        Run(async token =>
        {
            for (int i = 0; i < 200; i++)
            {
                var race = new CancellationTokenSource(); // not disposed: the thread-pool item may cancel it after the await
                ValueTask<int> receiving = Loop.SockRecvAsync(a, buffer, race.Token);
                ThreadPool.UnsafeQueueUserWorkItem(_ => race.Cancel(), null);
                if (random.Next(2) == 0)
                {
                    b.Send(new byte[] { 1 });
                }

                try
                {
                    received += await receiving;
                }
                catch (OperationCanceledException e) when (e.CancellationToken == race.Token)
                {
                    cancelled++;
                }

                // Drain, so the next receive starts from an empty socket.
                while (a.Available > 0)
                {
                    received += await Loop.SockRecvAsync(a, buffer, token);
                }
            }

            await Task.Yield();
            return 0;
        });

        TestContext.Out.WriteLine($"{BackendName}: {cancelled} cancelled, {received} bytes received");
        (cancelled + received).Should().BeGreaterThanOrEqualTo(200);
        Loop.PendingOperationCount.Should().Be(0);
        Loop.Selector.GetMap().Should().BeEmpty();
    }

    [Test]
    public void ASocketDisposedRightAfterItsReceive_IsTidiedWithoutError()
    {
        var (a, b) = TcpPair();
        Run(async token =>
        {
            ValueTask<int> receiving = Loop.SockRecvAsync(a, new byte[1], token);
            b.Send(new byte[] { 1 });
            (await receiving).Should().Be(1);
            a.Dispose();
            await Task.Yield();
            await Task.Yield();
            return 0;
        });

        Loop.Selector.GetMap().Should().BeEmpty();
    }

    [Test]
    public void ASocketDisposedUnderPendingWaits_CancelsCleanly()
    {
        var (a, _) = TcpPair();
        a.SendBufferSize = 4096;
        var chunk = new byte[4096];
        while (a.Send(chunk, 0, chunk.Length, SocketFlags.None, out SocketError error) > 0 && error == SocketError.Success)
        {
            // Fill the send buffer (the peer does not read), so a write wait stays pending.
        }

        Run(async token =>
        {
            using var readerToken = new CancellationTokenSource();
            using var writerToken = new CancellationTokenSource();
            ValueTask reading = Loop.WaitReadableAsync(a, readerToken.Token);
            ValueTask writing = Loop.WaitWritableAsync(a, writerToken.Token);
            await Task.Yield();
            a.Dispose();
            readerToken.Cancel(); // shrinking to write-only on a disposed socket: it is taken out instead
            Func<Task> awaitReading = async () => await reading;
            await awaitReading.Should().ThrowAsync<OperationCanceledException>();
            writerToken.Cancel();
            Func<Task> awaitWriting = async () => await writing;
            await awaitWriting.Should().ThrowAsync<OperationCanceledException>();
            return 0;
        });

        Loop.Selector.GetMap().Should().BeEmpty();
        Loop.PendingOperationCount.Should().Be(0);
    }

    [Test]
    public void Dispose_CompletesPendingOperationsAsCancelled_AndUnregistersThem()
    {
        ISelector selector = NewSelector();
        try
        {
            var loop = new SelectorLoop(selector);
            var (a, _) = TcpPair();
            using Socket listener = Listener();
            Task<int> receiving = loop.SockRecvAsync(a, new byte[1]).AsTask();
            Task writable = loop.WaitWritableAsync(a).AsTask();
            Task<Socket> accepting = loop.SockAcceptAsync(listener).AsTask();
            loop.RunOnce(TimeSpan.Zero); // the writer completes; its interest goes on the next turn
            writable.IsCompletedSuccessfully.Should().BeTrue();
            receiving.IsCompleted.Should().BeFalse();
            selector.GetMap().Should().HaveCount(2);

            loop.Dispose();

            receiving.IsCanceled.Should().BeTrue();
            accepting.IsCanceled.Should().BeTrue();
            selector.GetMap().Should().BeEmpty("a loop that does not own its selector leaves nothing registered");
        }
        finally
        {
            selector.Close();
        }
    }

    [Test]
    public void SockRecv_AllocatesNothing_WhenItCompletesAtOnce_OrWaitsForReadiness()
    {
        var (a, b) = TcpPair();
        var buffer = new byte[1];
        byte[] one = [1];
        const int Calls = 1000;
        // One async method: its state machine is allocated when it first suspends, in the warm-up, and the measured
        // loops reuse it, so what they allocate is the library's.
        (long atOnce, long waiting, int immediate) = Run(async token =>
        {
            for (int i = 0; i < 100; i++)
            {
                b.Send(one.AsSpan());
                await Loop.SockRecvAsync(a, buffer, token);
                ValueTask<int> receiving = Loop.SockRecvAsync(a, buffer, token);
                b.Send(one.AsSpan());
                await receiving;
            }

            // The least of Allocations.Windows windows each, as Allocations.Least measures (an await can't be in its action).
            long atOnceBytes = long.MaxValue;
            long waitingBytes = long.MaxValue;
            int completedAtOnce = 0;
            for (int window = 0; window < Allocations.Windows; window++)
            {
                completedAtOnce = 0;
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < Calls; i++)
                {
                    b.Send(one.AsSpan());
                    ValueTask<int> receiving = Loop.SockRecvAsync(a, buffer, token);
                    completedAtOnce += receiving.IsCompleted ? 1 : 0;
                    await receiving;
                }

                atOnceBytes = Math.Min(atOnceBytes, GC.GetAllocatedBytesForCurrentThread() - before);
                int waited = 0;
                before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < Calls; i++)
                {
                    ValueTask<int> receiving = Loop.SockRecvAsync(a, buffer, token);
                    waited += receiving.IsCompleted ? 0 : 1;
                    b.Send(one.AsSpan());
                    await receiving;
                }

                waitingBytes = Math.Min(waitingBytes, GC.GetAllocatedBytesForCurrentThread() - before);
                waited.Should().Be(Calls, "each receive of the second loop waited for readiness");
            }

            return (atOnceBytes, waitingBytes, completedAtOnce);
        });

        TestContext.Out.WriteLine($"{BackendName}: {Calls} receives allocated {atOnce} B at once ({immediate} completed synchronously), {waiting} B waiting");
        atOnce.Should().Be(0);
        waiting.Should().Be(0);
    }

    private static async Task ThrowAfterAYield()
    {
        await Task.Yield();
        throw new FormatException("from the task");
    }

    private async Task ConnectAndSend(Socket client, byte value, CancellationToken token)
    {
        await Loop.SockConnectAsync(client, ((IPEndPoint)ListenerEndPoint!), token);
        await Loop.SockSendAllAsync(client, new[] { value }, token);
    }

    private EndPoint? ListenerEndPoint { get; set; }

    /// <summary>Runs <paramref name="body"/> to completion on the loop, failing if it takes longer than <see cref="Bound"/>.</summary>
    private T Run<T>(Func<CancellationToken, Task<T>> body)
    {
        using var timeout = new CancellationTokenSource(Bound);
        return Loop.RunUntilComplete(async () =>
        {
            Task<T> work = body(timeout.Token);
            if (await Task.WhenAny(work, Task.Delay(Bound + Bound)) != work)
            {
                throw new TimeoutException($"the body did not complete within {Bound}");
            }

            return await work;
        });
    }

    /// <summary>A non-blocking listener on 127.0.0.1.</summary>
    private Socket Listener()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        listener.Blocking = false;
        ListenerEndPoint = listener.LocalEndPoint;
        return listener;
    }
}
