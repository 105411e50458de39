using System;

namespace Selectors.Wakers;

/// <summary>
/// Wakes a selector blocked in its wait from another thread: a descriptor (or socket) the engine watches for reading,
/// made readable by <see cref="Wake"/>. Signals coalesce, as Java's <c>interruptTriggered</c> flag does: however
/// many wakes arrive before <see cref="Reset"/>, the OS sees one write, so a burst costs one system call and the
/// descriptor can never fill up. A wake before the wait is kept (the descriptor stays readable), so it is never lost.
/// </summary>
internal abstract class Waker : IDisposable
{
    // This OS's EAGAIN, which every drain ends with. Read when the first waker is made (an explicit static constructor
    // runs then, not lazily at the first drain), because a drain may come when the process is out of descriptors and
    // can't load the errno table's assembly any more.
    private static readonly int WouldBlock;

    // Guards _signaled, _disposed and the descriptor's state, so a write and a drain can't interleave into a lost wake.
    private readonly object _lock = new();

    static Waker() => WouldBlock = ErrorNumbers.EAGAIN;
    private bool _signaled;
    private bool _disposed;

    /// <summary>eventfd on Linux, a pipe on other Unix; the select engine makes its own socket pair.</summary>
    internal static Waker ForThisPlatform() => OperatingSystem.IsLinux() ? new EventFdWaker() : new PipeWaker();

    /// <summary>How many times the OS was actually signalled (for tests of coalescing).</summary>
    internal long SignalCount { get; private set; }

    /// <summary>The descriptor to watch for reading.</summary>
    internal abstract int Fd { get; }

    /// <summary>Makes <see cref="Fd"/> readable until the next <see cref="Reset"/>. Thread-safe; a no-op after dispose.</summary>
    internal void Wake()
    {
        lock (_lock)
        {
            if (_signaled || _disposed)
            {
                return;
            }

            Signal();
            _signaled = true;
            SignalCount++;
        }
    }

    /// <summary>Consumes the signal, so the next wait blocks again. Called by the waiting thread when it saw <see cref="Fd"/> ready.</summary>
    internal void Reset()
    {
        lock (_lock)
        {
            if (!_signaled || _disposed)
            {
                return;
            }

            Drain();
            _signaled = false;
        }
    }

    /// <summary>Closes the descriptors; later wakes do nothing.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Release();
        }
    }

    /// <summary>
    /// After a failed read or write of the wake descriptor: true to retry (EINTR), false when there was nothing to do
    /// (EAGAIN: already drained, or already signalled); anything else is a bug worth surfacing.
    /// </summary>
    /// <exception cref="UnixSystemCallException">Any other errno, naming <paramref name="call"/>.</exception>
    protected static bool RetryAfterFailure(string call)
    {
        int errno = Interop.LastErrno;
        return errno == Interop.EINTR || (errno != WouldBlock ? throw new UnixSystemCallException(call, errno) : false);
    }

    /// <summary>Makes the descriptor readable (one write).</summary>
    protected abstract void Signal();

    /// <summary>Reads until the descriptor is no longer readable.</summary>
    protected abstract void Drain();

    /// <summary>Closes the OS resources.</summary>
    protected abstract void Release();
}
