using System;

namespace Selectors.Wakers;

/// <summary>
/// Wakes a selector blocked in its wait from another thread: something the engine waits on (a descriptor or socket
/// made readable, a completion packet) signalled by <see cref="Wake"/>. Signals coalesce, as Java's
/// <c>interruptTriggered</c> flag does: however many wakes arrive before <see cref="Reset"/>, the OS sees one signal,
/// so a burst costs one system call and a descriptor can never fill up. A wake before the wait is kept (the signal
/// stays pending), so it is never lost.
/// </summary>
internal abstract class Waker : IDisposable
{
    // Guards _signaled, _disposed and the OS object's state, so a signal and a drain can't interleave into a lost wake.
    private readonly object _lock = new();

    private bool _signaled;
    private bool _disposed;

    /// <summary>How many times the OS was actually signalled (for tests of coalescing).</summary>
    internal long SignalCount { get; private set; }

    /// <summary>Signals the engine's wait until the next <see cref="Reset"/>. Thread-safe; a no-op after dispose.</summary>
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

    /// <summary>Consumes the signal, so the next wait blocks again. Called by the waiting thread when it saw the signal.</summary>
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

    /// <summary>Releases the OS objects; later wakes do nothing.</summary>
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

    /// <summary>Signals the OS object (one write, or one posted packet).</summary>
    protected abstract void Signal();

    /// <summary>Consumes what <see cref="Signal"/> left, so the OS object no longer signals.</summary>
    protected abstract void Drain();

    /// <summary>Closes the OS resources.</summary>
    protected abstract void Release();
}
