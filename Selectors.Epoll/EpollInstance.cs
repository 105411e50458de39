using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Selectors.Epoll;

/// <summary>
/// A Linux epoll instance, shaped like Python's <c>select.epoll</c>: created close-on-exec, owning its descriptor
/// through a <see cref="SafeEpollHandle"/>. Failed system calls throw <see cref="UnixSystemCallException"/> naming
/// the call and the errno; interrupted waits (EINTR) are retried against the original deadline, as Python does.
/// </summary>
/// <remarks>
/// The kernel's interest list is thread-safe, so <see cref="Register(int, EpollEvents)"/>, <see cref="Modify(int, EpollEvents)"/>
/// and <see cref="Unregister"/> may be called while another thread waits, and several threads may wait at once (each
/// with its own buffer).
/// </remarks>
public sealed class EpollInstance : IDisposable
{
    /// <summary>The mask Python's <c>epoll.register</c> uses when none is given: IN | PRI | OUT.</summary>
    public const EpollEvents DefaultEvents = EpollEvents.In | EpollEvents.Pri | EpollEvents.Out;

    /// <summary>Python's default <c>maxevents</c> for <c>poll</c> (FD_SETSIZE - 1).</summary>
    public const int DefaultMaxEvents = 1023;

    private readonly SafeEpollHandle _handle;

    /// <summary>Creates an epoll instance with <c>epoll_create1(EPOLL_CLOEXEC)</c>.</summary>
    /// <exception cref="UnixSystemCallException">The kernel refused (EMFILE, ENFILE, ENOMEM).</exception>
    public EpollInstance()
    {
        int fd = Interop.ThrowIfFailed(Interop.EpollCreate1(Interop.EPOLL_CLOEXEC), "epoll_create1(EPOLL_CLOEXEC)");
        _handle = new SafeEpollHandle(fd);
    }

    /// <summary>The handle that owns the epoll descriptor.</summary>
    public SafeEpollHandle SafeHandle => _handle;

    /// <summary>Whether the instance is closed (Python's <c>closed</c>).</summary>
    public bool Closed => _handle.IsClosed;

    /// <summary>The epoll descriptor (Python's <c>fileno()</c>).</summary>
    /// <exception cref="ObjectDisposedException">The instance is closed.</exception>
    public int Fileno()
    {
        ThrowIfClosed();
        return _handle.DangerousGetHandle().ToInt32();
    }

    /// <summary>Adds <paramref name="fd"/> to the interest list; events report the descriptor as their data.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fd"/> is negative.</exception>
    /// <exception cref="UnixSystemCallException">epoll_ctl failed: EEXIST (already registered), EBADF, EPERM (a regular file), ENOSPC (max_user_watches).</exception>
    /// <exception cref="ObjectDisposedException">The instance is closed.</exception>
    public void Register(int fd, EpollEvents events = DefaultEvents) => Register(fd, events, (ulong)(uint)ValidFd(fd));

    /// <summary>Adds <paramref name="fd"/> to the interest list with <paramref name="data"/> reported in its events.</summary>
    /// <inheritdoc cref="Register(int, EpollEvents)" path="/exception" />
    public void Register(int fd, EpollEvents events, ulong data) => Control(Interop.EPOLL_CTL_ADD, ValidFd(fd), events, data, "EPOLL_CTL_ADD");

    /// <summary>Changes the events of a registered descriptor (and re-arms a one-shot registration).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fd"/> is negative.</exception>
    /// <exception cref="UnixSystemCallException">epoll_ctl failed: ENOENT (not registered), EBADF, EINVAL.</exception>
    /// <exception cref="ObjectDisposedException">The instance is closed.</exception>
    public void Modify(int fd, EpollEvents events) => Modify(fd, events, (ulong)(uint)ValidFd(fd));

    /// <summary>Changes the events and data of a registered descriptor.</summary>
    /// <inheritdoc cref="Modify(int, EpollEvents)" path="/exception" />
    public void Modify(int fd, EpollEvents events, ulong data) => Control(Interop.EPOLL_CTL_MOD, ValidFd(fd), events, data, "EPOLL_CTL_MOD");

    /// <summary>Removes <paramref name="fd"/> from the interest list.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fd"/> is negative.</exception>
    /// <exception cref="UnixSystemCallException">epoll_ctl failed: ENOENT (not registered), EBADF (closed).</exception>
    /// <exception cref="ObjectDisposedException">The instance is closed.</exception>
    public void Unregister(int fd) => Control(Interop.EPOLL_CTL_DEL, ValidFd(fd), EpollEvents.None, 0, "EPOLL_CTL_DEL");

    /// <summary>
    /// Waits for events and writes them into <paramref name="events"/>, allocating nothing: the zero-allocation wait.
    /// </summary>
    /// <param name="events">Where the ready descriptors go; at most its length are returned per call.</param>
    /// <param name="timeoutMilliseconds">-1 (or any negative value) waits forever, 0 polls, a positive value waits at most that long.</param>
    /// <returns>How many entries of <paramref name="events"/> were filled; 0 on timeout.</returns>
    /// <exception cref="ArgumentException"><paramref name="events"/> is empty.</exception>
    /// <exception cref="UnixSystemCallException">epoll_wait failed.</exception>
    /// <exception cref="ObjectDisposedException">The instance is closed.</exception>
    public int Wait(Span<EpollEvent> events, int timeoutMilliseconds)
    {
        if (events.IsEmpty)
        {
            throw new ArgumentException("The event buffer must hold at least one event.", nameof(events));
        }

        ThrowIfClosed();
        int timeout = timeoutMilliseconds < 0 ? -1 : timeoutMilliseconds;
        if (Interop.EpollEventIsPacked)
        {
            unsafe
            {
                fixed (EpollEvent* buffer = events)
                {
                    var wait = new EpollWaitCall(_handle, buffer, events.Length);
                    return InterruptibleWait.Run(ref wait, timeout, "epoll_wait");
                }
            }
        }

        return WaitAligned(events, timeout);
    }

    /// <summary>Python's <c>epoll.poll(timeout, maxevents)</c>: waits and returns the ready (descriptor, events) pairs.</summary>
    /// <param name="timeoutSeconds">Seconds; negative or infinite waits forever, 0 polls; rounded up to whole milliseconds.</param>
    /// <param name="maxEvents">The most events to return; -1 means <see cref="DefaultMaxEvents"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="timeoutSeconds"/> is NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEvents"/> is 0 or below -1, or the timeout exceeds int.MaxValue milliseconds.</exception>
    /// <exception cref="UnixSystemCallException">epoll_wait failed.</exception>
    /// <exception cref="ObjectDisposedException">The instance is closed.</exception>
    public IReadOnlyList<(int Fd, EpollEvents Events)> Poll(double timeoutSeconds = -1, int maxEvents = -1)
    {
        if (maxEvents == -1)
        {
            maxEvents = DefaultMaxEvents;
        }
        else if (maxEvents <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEvents), maxEvents, "maxEvents must be greater than 0, or -1.");
        }

        int timeout = InterruptibleWait.SecondsToMilliseconds(timeoutSeconds, nameof(timeoutSeconds));

        // A pooled buffer per call: threads may poll one instance at once (as in Python), and a large maxEvents is not kept.
        EpollEvent[] buffer = ArrayPool<EpollEvent>.Shared.Rent(maxEvents);
        try
        {
            int count = Wait(buffer.AsSpan(0, maxEvents), timeout);
            var ready = new (int Fd, EpollEvents Events)[count];
            for (int i = 0; i < count; i++)
            {
                ready[i] = (buffer[i].Fd, buffer[i].Events);
            }

            return ready;
        }
        finally
        {
            ArrayPool<EpollEvent>.Shared.Return(buffer);
        }
    }

    /// <summary>Closes the epoll descriptor; idempotent. Registered descriptors are not closed.</summary>
    public void Close() => _handle.Dispose();

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    private int WaitAligned(Span<EpollEvent> events, int timeout)
    {
        // The kernel's layout differs from EpollEvent here: wait into a pooled buffer of its layout, then convert.
        Interop.AlignedEpollEvent[] aligned = ArrayPool<Interop.AlignedEpollEvent>.Shared.Rent(events.Length);
        try
        {
            int count;
            unsafe
            {
                fixed (Interop.AlignedEpollEvent* buffer = aligned)
                {
                    var wait = new EpollWaitCall(_handle, buffer, events.Length);
                    count = InterruptibleWait.Run(ref wait, timeout, "epoll_wait");
                }
            }

            for (int i = 0; i < count; i++)
            {
                events[i] = new EpollEvent((EpollEvents)aligned[i].Events, aligned[i].Data);
            }

            return count;
        }
        finally
        {
            ArrayPool<Interop.AlignedEpollEvent>.Shared.Return(aligned);
        }
    }

    private unsafe void Control(int op, int fd, EpollEvents events, ulong data, string opName)
    {
        ThrowIfClosed();
        int result;
        if (Interop.EpollEventIsPacked)
        {
            var native = new EpollEvent(events, data);
            result = Interop.EpollCtl(_handle, op, fd, &native);
        }
        else
        {
            var native = new Interop.AlignedEpollEvent { Events = (uint)events, Data = data };
            result = Interop.EpollCtl(_handle, op, fd, &native);
        }

        if (result == -1)
        {
            throw Interop.ErrorForLastCall($"epoll_ctl({opName}, fd {fd})");
        }
    }

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_handle.IsClosed, this);

    private static int ValidFd(int fd) =>
        fd >= 0 ? fd : throw new ArgumentOutOfRangeException(nameof(fd), fd, "A file descriptor cannot be negative.");

    private readonly unsafe struct EpollWaitCall(SafeEpollHandle handle, void* buffer, int maxEvents) : IInterruptibleWait
    {
        public int WaitOnce(int timeoutMilliseconds) => Interop.EpollWait(handle, buffer, maxEvents, timeoutMilliseconds);
    }
}
