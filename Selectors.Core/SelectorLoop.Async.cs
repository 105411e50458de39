using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Selectors;

/// <summary>The coroutine half of asyncio's loop: <c>run_until_complete</c>, readiness as awaitables, and the
/// <c>sock_*</c> calls.</summary>
public sealed partial class SelectorLoop
{
    private const int MaxPooledOperations = 256;

    private readonly HashSet<ReadinessOperation> _pending = new();
    private readonly Stack<ReadinessOperation> _pool = new(); // locked: a result may be read on another thread
    private readonly List<FileWaiters> _toTidy = new();
    private LoopSynchronizationContext? _context;
    private Action? _tidy;
    private Action? _wake;

    /// <summary>Whether the calling thread is the one in a run method.</summary>
    internal bool IsLoopThread => Volatile.Read(ref _runningThread) == Environment.CurrentManagedThreadId;

    /// <summary>Awaitables still pending: for tests.</summary>
    internal int PendingOperationCount => _pending.Count;

    private LoopSynchronizationContext Context => _context ??= new LoopSynchronizationContext(this);

    /// <summary>
    /// Runs the loop until the task <paramref name="main"/> returns has completed (asyncio's
    /// <c>run_until_complete</c>). <paramref name="main"/> is called on the loop's thread, with the loop's
    /// <see cref="SynchronizationContext"/> installed (as for every run method), so its awaits resume on the loop's
    /// thread. The loop waits in <c>Select</c> when nothing is ready; it does not spin. Afterwards the loop is usable
    /// again, whether the task succeeded or not.
    /// </summary>
    /// <param name="main">Starts the work: typically an <c>async</c> lambda.</param>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The loop is already running, or <see cref="Stop"/> was called
    /// before the task completed (asyncio's "Event loop stopped before Future completed"), or
    /// <paramref name="main"/> returned null.</exception>
    /// <exception cref="ObjectDisposedException">The loop or its selector is disposed.</exception>
    /// <exception cref="Exception">The task's exception, unwrapped, with its stack trace; or whatever a loop
    /// callback threw (see the remarks on <see cref="SelectorLoop"/>).</exception>
    public void RunUntilComplete(Func<Task> main) => RunTask(main).GetAwaiter().GetResult();

    /// <summary>
    /// Runs the loop until the task <paramref name="main"/> returns has completed, and returns its result (asyncio's
    /// <c>run_until_complete</c>). As <see cref="RunUntilComplete(Func{Task})"/>.
    /// </summary>
    /// <typeparam name="T">The task's result type.</typeparam>
    /// <param name="main">Starts the work: typically an <c>async</c> lambda.</param>
    /// <returns>The task's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The loop is already running, or <see cref="Stop"/> was called
    /// before the task completed, or <paramref name="main"/> returned null.</exception>
    /// <exception cref="ObjectDisposedException">The loop or its selector is disposed.</exception>
    /// <exception cref="Exception">The task's exception, unwrapped, with its stack trace; or whatever a loop
    /// callback threw.</exception>
    public T RunUntilComplete<T>(Func<Task<T>> main) => RunTask(main).GetAwaiter().GetResult();

    /// <summary>
    /// Completes when <paramref name="fileObject"/> is readable: <c>add_reader</c> as a one-shot awaitable (asyncio
    /// waits on a future that a reader callback completes). The loop registers the file object, or adds read to the
    /// interest of the registration its awaitables already have, and removes the interest once the wait is over,
    /// unregistering when nothing else waits: at once when the wait is cancelled; after a completion, on the loop's
    /// next turn (or when <see cref="RunUntilComplete(Func{Task})"/> returns) unless a new wait takes the interest over
    /// first, which spares a receive loop two system calls and an allocation per call. The continuation of an
    /// <c>await</c> on the loop's thread runs inline in the loop callback that completes it. Call it on the loop's
    /// thread, or while the loop is not running.
    /// </summary>
    /// <param name="fileObject">What to wait on: anything <see cref="ISelector.Register"/> takes.</param>
    /// <param name="cancellationToken">Cancels the wait: the interest is removed and the await ends with an
    /// <see cref="OperationCanceledException"/> for this token.</param>
    /// <returns>A <see cref="ValueTask"/> to await once; it allocates nothing in steady state.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fileObject"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Another wait for readable on this file object is pending (asyncio:
    /// "another coroutine is already waiting"); or the file object is registered with the selector with data that is
    /// not the loop's; or the call comes from another thread while the loop runs.</exception>
    /// <exception cref="ObjectDisposedException">The loop is disposed.</exception>
    public ValueTask WaitReadableAsync(object fileObject, CancellationToken cancellationToken = default) =>
        WaitAsync(fileObject, SelectorEvents.Read, cancellationToken);

    /// <summary>
    /// Completes when <paramref name="fileObject"/> is writable: <c>add_writer</c> as a one-shot awaitable. As
    /// <see cref="WaitReadableAsync"/>; a reader and a writer of one file object share one registration.
    /// </summary>
    /// <param name="fileObject">What to wait on: anything <see cref="ISelector.Register"/> takes.</param>
    /// <param name="cancellationToken">Cancels the wait, removing the interest.</param>
    /// <returns>A <see cref="ValueTask"/> to await once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fileObject"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Another wait for writable on this file object is pending; or the
    /// file object is registered with data that is not the loop's; or the call comes from another thread while the
    /// loop runs.</exception>
    /// <exception cref="ObjectDisposedException">The loop is disposed.</exception>
    public ValueTask WaitWritableAsync(object fileObject, CancellationToken cancellationToken = default) =>
        WaitAsync(fileObject, SelectorEvents.Write, cancellationToken);

    /// <summary>
    /// Receives into <paramref name="buffer"/> (asyncio's <c>sock_recv</c>): tries at once, and when the socket has
    /// nothing to read, waits until it is readable and tries again. Completes with the number of bytes received, 0 at
    /// the end of the stream. Errors surface as the <see cref="SocketException"/> of the receive.
    /// </summary>
    /// <param name="socket">A non-blocking socket (<c>Blocking = false</c>).</param>
    /// <param name="buffer">Where to put the bytes; it must stay valid until the call completes.</param>
    /// <param name="cancellationToken">Cancels the wait, removing the interest.</param>
    /// <returns>The bytes received.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The socket is blocking (asyncio's "the socket must be
    /// non-blocking"), or another receive or read wait on it is pending, or the call comes from another thread while
    /// the loop runs.</exception>
    /// <exception cref="ObjectDisposedException">The loop or the socket is disposed.</exception>
    public ValueTask<int> SockRecvAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CheckSocketCall(socket);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        if (SocketAttempts.Receive(socket, buffer, out int received, out SocketException? error))
        {
            return error is null ? new ValueTask<int>(received) : ValueTask.FromException<int>(error);
        }

        ReadinessOperation operation = Start(ReadinessKind.Receive, socket, SelectorEvents.Read, cancellationToken, buffer);
        return new ValueTask<int>(operation, operation.Version);
    }

    /// <summary>
    /// Sends all of <paramref name="data"/> (asyncio's <c>sock_sendall</c>): sends what the socket takes, and while
    /// some is left, waits until it is writable and sends on. Errors surface as the <see cref="SocketException"/> of
    /// the send; how much was sent before an error or a cancellation is not reported, as in asyncio.
    /// </summary>
    /// <param name="socket">A non-blocking socket.</param>
    /// <param name="data">What to send; it must stay unchanged until the call completes.</param>
    /// <param name="cancellationToken">Cancels the wait, removing the interest.</param>
    /// <returns>A <see cref="ValueTask"/> that completes when everything was sent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The socket is blocking, or another send or write wait on it is
    /// pending, or the call comes from another thread while the loop runs.</exception>
    /// <exception cref="ObjectDisposedException">The loop or the socket is disposed.</exception>
    public ValueTask SockSendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        CheckSocketCall(socket);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (SocketAttempts.SendAll(socket, ref data, out SocketException? error))
        {
            return error is null ? default : ValueTask.FromException(error);
        }

        ReadinessOperation operation = Start(ReadinessKind.SendAll, socket, SelectorEvents.Write, cancellationToken, data: data);
        return new ValueTask(operation, operation.Version);
    }

    /// <summary>
    /// Connects <paramref name="socket"/> to <paramref name="remoteEndPoint"/> (asyncio's <c>sock_connect</c>): starts a
    /// non-blocking connect, waits until the socket is writable, then reads SO_ERROR. A refused connection surfaces as a
    /// <see cref="SocketException"/> (<see cref="SocketError.ConnectionRefused"/>).
    /// </summary>
    /// <param name="socket">A non-blocking socket, not yet connected.</param>
    /// <param name="remoteEndPoint">Where to connect: an address already resolved.</param>
    /// <param name="cancellationToken">Cancels the wait, removing the interest; the connect itself is not undone
    /// (close the socket).</param>
    /// <returns>A <see cref="ValueTask"/> that completes once connected.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> or <paramref name="remoteEndPoint"/> is
    /// null.</exception>
    /// <exception cref="InvalidOperationException">The socket is blocking, or a write wait on it is pending, or the
    /// call comes from another thread while the loop runs.</exception>
    /// <exception cref="ObjectDisposedException">The loop or the socket is disposed.</exception>
    public ValueTask SockConnectAsync(Socket socket, EndPoint remoteEndPoint, CancellationToken cancellationToken = default)
    {
        CheckSocketCall(socket);
        ArgumentNullException.ThrowIfNull(remoteEndPoint);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (SocketAttempts.StartConnect(socket, remoteEndPoint, out SocketException? error))
        {
            return error is null ? default : ValueTask.FromException(error);
        }

        ReadinessOperation operation = Start(ReadinessKind.Connect, socket, SelectorEvents.Write, cancellationToken);
        return new ValueTask(operation, operation.Version);
    }

    /// <summary>
    /// Accepts a connection on <paramref name="listener"/> (asyncio's <c>sock_accept</c>): accepts at once if one is
    /// pending, else waits until the listener is readable and accepts then. The accepted socket is non-blocking.
    /// </summary>
    /// <param name="listener">A non-blocking listening socket.</param>
    /// <param name="cancellationToken">Cancels the wait, removing the interest.</param>
    /// <returns>The accepted socket, non-blocking; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="listener"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The listener is blocking, or another accept or read wait on it is
    /// pending, or the call comes from another thread while the loop runs.</exception>
    /// <exception cref="ObjectDisposedException">The loop or the listener is disposed.</exception>
    public ValueTask<Socket> SockAcceptAsync(Socket listener, CancellationToken cancellationToken = default)
    {
        CheckSocketCall(listener);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<Socket>(cancellationToken);
        }

        if (SocketAttempts.Accept(listener, out Socket? accepted, out SocketException? error))
        {
            return error is null ? new ValueTask<Socket>(accepted!) : ValueTask.FromException<Socket>(error);
        }

        ReadinessOperation operation = Start(ReadinessKind.Accept, listener, SelectorEvents.Read, cancellationToken);
        return new ValueTask<Socket>(operation, operation.Version);
    }

    /// <summary>Takes <paramref name="operation"/> off the pending set: it completed or was cancelled.</summary>
    internal void OnOperationFinished(ReadinessOperation operation) => _pending.Remove(operation);

    /// <summary>Puts a finished operation back in the pool; any thread.</summary>
    internal void ReturnOperation(ReadinessOperation operation)
    {
        lock (_pool)
        {
            if (_pool.Count < MaxPooledOperations)
            {
                _pool.Push(operation);
            }
        }
    }

    /// <summary>Shrinks <paramref name="waiters"/>' interest on the next turn, unless a new wait takes it over first.</summary>
    internal void QueueTidy(FileWaiters waiters)
    {
        if (waiters.TidyQueued || _disposed)
        {
            return;
        }

        waiters.TidyQueued = true;
        _toTidy.Add(waiters);
        if (_toTidy.Count == 1)
        {
            CallSoon(_tidy ??= TidyWaiters);
        }
    }

    /// <summary>The task of <paramref name="main"/>, once the loop has run until it completed.</summary>
    private TTask RunTask<TTask>(Func<TTask> main)
        where TTask : Task
    {
        ArgumentNullException.ThrowIfNull(main);
        SynchronizationContext? previous = Enter();
        try
        {
            TTask task = main() ?? throw new InvalidOperationException("The function given to RunUntilComplete returned null instead of a task.");
            if (!task.IsCompleted)
            {
                // A task completed on another thread (not through the loop's context) must still end the wait.
                task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_wake ??= WakeFromOtherThread);
            }

            while (!task.IsCompleted)
            {
                Turn(maxWait: Deadline.Infinite);
                if (_stopping && !task.IsCompleted)
                {
                    _stopping = false;
                    throw new InvalidOperationException("The loop was stopped before the task given to RunUntilComplete completed (asyncio: Event loop stopped before Future completed).");
                }
            }

            return task;
        }
        finally
        {
            // What the task's operations left registered goes now, not on the next run.
            TidyWaiters();
            Exit(previous);
        }
    }

    private void WakeFromOtherThread()
    {
        if (!IsLoopThread && !_disposed)
        {
            Selector.Wakeup();
        }
    }

    private ValueTask WaitAsync(object fileObject, SelectorEvents interest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fileObject);
        CheckCaller();
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        ReadinessOperation operation = Start(ReadinessKind.Wait, fileObject, interest, cancellationToken);
        return new ValueTask(operation, operation.Version);
    }

    /// <summary>A pooled operation, waiting on <paramref name="fileObject"/> for <paramref name="interest"/>.</summary>
    private ReadinessOperation Start(
        ReadinessKind kind, object fileObject, SelectorEvents interest, CancellationToken cancellationToken,
        Memory<byte> buffer = default, ReadOnlyMemory<byte> data = default)
    {
        ReadinessOperation operation = RentOperation();
        operation.Prepare(kind, fileObject as Socket, buffer, data);
        FileWaiters waiters;
        try
        {
            waiters = WaitersFor(fileObject);
            waiters.Add(operation, interest);
        }
        catch
        {
            ReturnOperation(operation);
            throw;
        }

        _pending.Add(operation);
        operation.Begin(waiters, interest, cancellationToken);
        return operation;
    }

    private ReadinessOperation RentOperation()
    {
        lock (_pool)
        {
            if (_pool.TryPop(out ReadinessOperation? operation))
            {
                return operation;
            }
        }

        return new ReadinessOperation(this);
    }

    /// <summary>The loop's waiters of <paramref name="fileObject"/>: those its registration carries, or new ones.</summary>
    private FileWaiters WaitersFor(object fileObject)
    {
        int fd = FileObjects.TryGetFd(fileObject);
        if (fd >= 0 && _map.TryGetValue(fd, out SelectorKey? key))
        {
            if (key.Data is Action<SelectorKey, SelectorEvents> { Target: FileWaiters waiters } && waiters.Loop == this
                && ReferenceEquals(key.FileObject, fileObject))
            {
                return waiters;
            }

            throw new InvalidOperationException(
                $"{fileObject} (FD {fd}) is already registered with the loop's selector, as {key.FileObject} with data of its own: "
                + "the loop's awaitables need the registration for themselves. Unregister it first.");
        }

        return new FileWaiters(this, fileObject);
    }

    private void TidyWaiters()
    {
        // Tidy touches only the selector, never this list, so it can be walked as it is.
        foreach (FileWaiters waiters in _toTidy)
        {
            waiters.TidyQueued = false;
            waiters.Tidy();
        }

        _toTidy.Clear();
    }

    /// <summary>Completes every pending operation as cancelled and takes the loop's interests out of the selector.</summary>
    private void CancelPendingOperations()
    {
        var pending = new ReadinessOperation[_pending.Count];
        _pending.CopyTo(pending);
        foreach (ReadinessOperation operation in pending)
        {
            operation.Abort();
        }

        foreach (FileWaiters waiters in _toTidy)
        {
            waiters.TidyQueued = false;
            waiters.Tidy();
        }

        _toTidy.Clear();
    }

    private void CheckCaller()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int running = Volatile.Read(ref _runningThread);
        if (running != 0 && running != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException("The loop's awaitables are for the loop's thread: from another thread, hand the work over with CallSoonThreadSafe.");
        }
    }

    private void CheckSocketCall(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        CheckCaller();
        if (socket.Blocking)
        {
            throw new InvalidOperationException($"The socket must be non-blocking (as asyncio requires): set Blocking = false on {socket}.");
        }
    }
}
