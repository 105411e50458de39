using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Selectors;

/// <summary>
/// One pending awaitable of a <see cref="SelectorLoop"/>: a wait for readiness, and the socket call to retry when it
/// comes (asyncio's future plus the <c>add_reader</c>/<c>add_writer</c> callback that completes it). Pooled per loop:
/// the <see cref="ValueTask"/> the loop hands out is backed by it, and it goes back to the pool when its result is read
/// (and any cancellation queued for it has run), so a call costs no allocation in steady state.
/// </summary>
/// <remarks>
/// Completion happens on the loop's thread, in a loop callback, and runs the continuation inline
/// (<see cref="ManualResetValueTaskSourceCore{TResult}.RunContinuationsAsynchronously"/> is false). An <c>await</c> on
/// the loop's thread under its context asks to resume on that context; since it would resume on this same thread,
/// the request is dropped and the continuation runs at once, which is what saves the post.
/// </remarks>
internal sealed class ReadinessOperation : IValueTaskSource, IValueTaskSource<int>, IValueTaskSource<Socket>
{
    private readonly SelectorLoop _loop;
    private readonly Action _cancelOnLoop;
    private ManualResetValueTaskSourceCore<int> _core = new() { RunContinuationsAsynchronously = false };
    private ReadinessKind _kind;
    private Socket? _socket;
    private Memory<byte> _buffer;
    private ReadOnlyMemory<byte> _data;
    private Socket? _accepted;
    private FileWaiters? _waiters;
    private SelectorEvents _interest;
    private CancellationToken _token;
    private CancellationTokenRegistration _registration;

    // Who still holds the object: its awaiter until it reads the result, and a cancellation queued on the loop until
    // it has run. The last to let go returns it to the pool.
    private int _holds;

    internal ReadinessOperation(SelectorLoop loop)
    {
        _loop = loop;
        _cancelOnLoop = CancelOnLoop;
    }

    /// <summary>The token of the <see cref="ValueTask"/> for this use of the object.</summary>
    internal short Version => _core.Version;

    /// <summary>Whether it still waits (between <see cref="Begin"/> and its completion).</summary>
    internal bool IsPending => _waiters is not null;

    /// <summary>Sets what to do when ready, before <see cref="Begin"/>.</summary>
    internal void Prepare(ReadinessKind kind, Socket? socket, Memory<byte> buffer = default, ReadOnlyMemory<byte> data = default)
    {
        _holds = 1;
        _kind = kind;
        _socket = socket;
        _buffer = buffer;
        _data = data;
    }

    /// <summary>Starts waiting: <paramref name="waiters"/> already holds it for <paramref name="interest"/>.</summary>
    internal void Begin(FileWaiters waiters, SelectorEvents interest, CancellationToken cancellationToken)
    {
        _waiters = waiters;
        _interest = interest;
        _token = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static state => ((ReadinessOperation)state!).OnCancelRequested(), this);
        }
    }

    /// <summary>The file object is ready: retries the call, completing unless it would block again. Loop thread.</summary>
    internal void OnReady()
    {
        int result = 0;
        SocketException? error = null;
        bool finished;
        try
        {
            switch (_kind)
            {
                case ReadinessKind.Receive:
                    finished = SocketAttempts.Receive(_socket!, _buffer, out result, out error);
                    break;
                case ReadinessKind.SendAll:
                    finished = SocketAttempts.SendAll(_socket!, ref _data, out error);
                    break;
                case ReadinessKind.Accept:
                    finished = SocketAttempts.Accept(_socket!, out _accepted, out error);
                    break;
                case ReadinessKind.Connect:
                    error = SocketAttempts.ConnectResult(_socket!);
                    finished = true;
                    break;
                default:
                    finished = true;
                    break;
            }
        }
        catch (Exception e)
        {
            // The socket was disposed meanwhile, say: the call fails with it.
            Finish(removeInterestNow: false);
            _core.SetException(e);
            return;
        }

        if (!finished)
        {
            return;
        }

        Finish(removeInterestNow: false);
        if (error is null)
        {
            _core.SetResult(result);
        }
        else
        {
            _core.SetException(error);
        }
    }

    /// <summary>Completes as cancelled, removing the interest at once: the loop is being disposed. Loop thread.</summary>
    internal void Abort()
    {
        if (IsPending)
        {
            Finish(removeInterestNow: true);
            _core.SetException(new OperationCanceledException("The SelectorLoop was disposed while the operation was pending.", _token));
        }
    }

    /// <inheritdoc/>
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc/>
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        if ((flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0
            && SynchronizationContext.Current is LoopSynchronizationContext context && context.Loop == _loop && _loop.IsLoopThread)
        {
            // Completion runs on this thread, in a loop callback: resuming there inline is resuming on the context.
            flags &= ~ValueTaskSourceOnCompletedFlags.UseSchedulingContext;
        }

        _core.OnCompleted(continuation, state, token, flags);
    }

    /// <inheritdoc/>
    void IValueTaskSource.GetResult(short token) => ((IValueTaskSource<int>)this).GetResult(token);

    /// <inheritdoc/>
    int IValueTaskSource<int>.GetResult(short token)
    {
        _core.GetStatus(token); // throws for a stale token, before the object is let go
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Release();
        }
    }

    /// <inheritdoc/>
    Socket IValueTaskSource<Socket>.GetResult(short token)
    {
        _core.GetStatus(token);
        try
        {
            _core.GetResult(token);
            return _accepted!;
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Stops waiting: out of the loop's pending set, the interest let go, the token's callback removed.</summary>
    private void Finish(bool removeInterestNow)
    {
        FileWaiters waiters = _waiters!;
        _waiters = null;
        _loop.OnOperationFinished(this);
        _registration.Dispose(); // waits for a cancellation callback in flight, so the hold it takes is counted
        _registration = default;
        waiters.Remove(this, _interest, removeInterestNow);
    }

    /// <summary>The token was cancelled, on any thread: the cancellation runs on the loop's thread.</summary>
    private void OnCancelRequested()
    {
        Interlocked.Increment(ref _holds);
        try
        {
            _loop.CallSoonThreadSafe(_cancelOnLoop);
        }
        catch (ObjectDisposedException)
        {
            // Disposing the loop cancels every pending operation itself.
            Release();
        }
    }

    private void CancelOnLoop()
    {
        if (IsPending)
        {
            Finish(removeInterestNow: true);
            _core.SetException(new OperationCanceledException(_token));
        }

        Release();
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _holds) != 0)
        {
            return;
        }

        _socket = null;
        _accepted = null;
        _buffer = default;
        _data = default;
        _token = default;
        _core.Reset();
        _loop.ReturnOperation(this);
    }
}

/// <summary>What a <see cref="ReadinessOperation"/> retries when its file object is ready.</summary>
internal enum ReadinessKind
{
    /// <summary>Nothing: the readiness is the result (<c>WaitReadableAsync</c>, <c>WaitWritableAsync</c>).</summary>
    Wait,

    /// <summary><c>sock_recv</c>.</summary>
    Receive,

    /// <summary><c>sock_sendall</c>.</summary>
    SendAll,

    /// <summary><c>sock_connect</c>: read SO_ERROR.</summary>
    Connect,

    /// <summary><c>sock_accept</c>.</summary>
    Accept,
}
