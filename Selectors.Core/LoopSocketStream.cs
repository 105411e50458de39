using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Selectors;

/// <summary>
/// A <see cref="Stream"/> over a non-blocking socket whose reads and writes the <see cref="SelectorLoop"/> completes
/// (<see cref="SelectorLoop.SockRecvAsync"/>, <see cref="SelectorLoop.SockSendAllAsync"/>), so that a stream-based
/// protocol runs on the loop's thread: above all <see cref="System.Net.Security.SslStream"/>, which .NET offers only
/// over a stream. As DotNetty's mediation stream and asyncio's <c>sslproto</c> do, the TLS work runs inline on the
/// loop thread: no thread pool, no blocking.
/// </summary>
/// <remarks>
/// Only the asynchronous members work (a call from another thread is handed to the loop's thread); the synchronous
/// <see cref="Read(byte[], int, int)"/> and <see cref="Write(byte[], int, int)"/> would block the loop and throw
/// <see cref="NotSupportedException"/>. One read and one write may be in progress at a time, as on a socket.
/// </remarks>
public sealed class LoopSocketStream : Stream
{
    private readonly SelectorLoop _loop;
    private readonly bool _ownsSocket;
    private bool _disposed;

    /// <summary>A stream over <paramref name="socket"/>, driven by <paramref name="loop"/>.</summary>
    /// <param name="loop">The loop whose thread runs the stream's operations.</param>
    /// <param name="socket">A connected, non-blocking stream socket.</param>
    /// <param name="ownsSocket">Whether disposing the stream closes the socket.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> or <paramref name="socket"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="socket"/> is blocking.</exception>
    public LoopSocketStream(SelectorLoop loop, Socket socket, bool ownsSocket = true)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.Blocking)
        {
            throw new ArgumentException("The socket must be non-blocking: the loop waits for it instead.", nameof(socket));
        }

        _loop = loop;
        Socket = socket;
        _ownsSocket = ownsSocket;
    }

    /// <summary>The socket read and written.</summary>
    public Socket Socket { get; }

    /// <summary>Whether the stream can be read: until it is disposed.</summary>
    public override bool CanRead => !_disposed;

    /// <summary>Whether the stream can be written: until it is disposed.</summary>
    public override bool CanWrite => !_disposed;

    /// <summary>False: a socket cannot seek.</summary>
    public override bool CanSeek => false;

    /// <summary>Not supported: a socket has no length.</summary>
    public override long Length => throw new NotSupportedException("A socket stream has no length.");

    /// <summary>Not supported: a socket has no position.</summary>
    public override long Position
    {
        get => throw new NotSupportedException("A socket stream has no position.");
        set => throw new NotSupportedException("A socket stream has no position.");
    }

    /// <summary>Receives into <paramref name="buffer"/> once some bytes are there (asyncio's <c>sock_recv</c>); 0 at the end of the stream.</summary>
    /// <exception cref="SocketException">The receive failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _loop.IsLoopThread
            ? _loop.SockRecvAsync(Socket, buffer, cancellationToken)
            : OnLoopThread(() => _loop.SockRecvAsync(Socket, buffer, cancellationToken));
    }

    /// <inheritdoc cref="ReadAsync(Memory{byte}, CancellationToken)" />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Sends all of <paramref name="buffer"/> (asyncio's <c>sock_sendall</c>).</summary>
    /// <exception cref="SocketException">The send failed (the peer reset the connection, say).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _loop.IsLoopThread
            ? _loop.SockSendAllAsync(Socket, buffer, cancellationToken)
            : new ValueTask(OnLoopThread(async () =>
            {
                await _loop.SockSendAllAsync(Socket, buffer, cancellationToken);
                return 0;
            }).AsTask());
    }

    /// <inheritdoc cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)" />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Does nothing: every write is sent before it completes.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Does nothing: every write is sent before it completes.</summary>
    public override void Flush()
    {
    }

    /// <summary>Not supported: it would block the loop. Use <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>.</summary>
    public override int Read(byte[] buffer, int offset, int count) => throw Blocking();

    /// <summary>Not supported: it would block the loop. Use <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    public override void Write(byte[] buffer, int offset, int count) => throw Blocking();

    /// <summary>Not supported: a socket can't seek.</summary>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A socket stream can't seek.");

    /// <summary>Not supported: a socket has no length.</summary>
    public override void SetLength(long value) => throw new NotSupportedException("A socket stream has no length.");

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (_ownsSocket)
            {
                Socket.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Starts <paramref name="operation"/> on the loop's thread, for a caller on another thread: .NET's
    /// <see cref="System.Net.Security.SslStream"/> moves to the thread pool for a step of a server handshake. The
    /// result is handed back from the loop's thread, where the caller's continuation then runs, so the stream's work
    /// returns to the loop. Allocates, unlike the calls made on the loop's thread.
    /// </summary>
    private ValueTask<int> OnLoopThread(Func<ValueTask<int>> operation)
    {
        var result = new TaskCompletionSource<int>();
        _loop.CallSoonThreadSafe(async () =>
        {
            try
            {
                result.SetResult(await operation());
            }
            catch (OperationCanceledException e)
            {
                result.SetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        });
        return new ValueTask<int>(result.Task);
    }

    private static NotSupportedException Blocking() =>
        new("A LoopSocketStream is asynchronous only: a synchronous call would block the loop. Use ReadAsync and WriteAsync.");
}
