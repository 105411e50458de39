using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Threading;

namespace Selectors.Afd;

/// <summary>
/// A set of sockets watched through the Windows AFD driver, shaped like an epoll instance: what wepoll builds under
/// Java's Windows selector and mio polls directly. It opens the driver (<c>\Device\Afd\Selectors</c>), binds it to an
/// I/O completion port, and keeps one <c>IOCTL_AFD_POLL</c> request per socket, on the socket's base handle
/// (<c>SIO_BASE_HANDLE</c>). A wait dequeues the completions (<c>GetQueuedCompletionStatusEx</c>), so it costs what is
/// ready, not what is registered.
/// </summary>
/// <remarks>
/// <para>
/// The driver's polls are one-shot; the set makes them level-triggered, as wepoll does: a socket that was reported is
/// polled again at the start of the next wait, and reported again if it is still ready. Changes take effect at once,
/// also in a wait blocked on another thread: a new socket is polled when it is registered; a wider interest cancels
/// the outstanding poll (<c>NtCancelIoFileEx</c>), and the blocked wait polls again with it.
/// </para>
/// <para>
/// Thread-safe: every call may come from any thread while others wait. Nothing is allocated per wait in steady state.
/// Failed calls throw <see cref="SocketException"/> (Winsock: the socket is not one) or
/// <see cref="System.ComponentModel.Win32Exception"/> naming the NT or Win32 call and its status.
/// </para>
/// </remarks>
[SupportedOSPlatform("windows")]
public sealed class AfdPollSet : IDisposable
{
    // A packet Dispose posts to wake a waiter: no AFD request has this context, and a posted packet of Post has none.
    private const nint ClosingPacket = 1;

    // How long Dispose waits for the cancelled polls to complete before it leaves their memory to the driver for good.
    private const int DrainMilliseconds = 1000;

    private readonly SafeKernelHandle _port;
    private readonly SafeKernelHandle _afd;
    private readonly Lock _lock = new();
    private readonly Dictionary<nint, PolledSocket> _sockets = new();

    // Reported since the last wait (or cancelled and completed): each is polled again when a wait starts.
    private readonly List<PolledSocket> _queued = new();

    // Polls with the driver (pending or cancelled), registered or not: Dispose waits for their completions.
    private int _outstanding;
    private int _waiters;
    private bool _disposed;

    /// <summary>Creates a completion port and opens the AFD driver on it.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">A call failed (CreateIoCompletionPort, NtCreateFile, SetFileCompletionNotificationModes).</exception>
    /// <exception cref="PlatformNotSupportedException">This is not Windows.</exception>
    public AfdPollSet()
    {
        if (!OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The AFD driver is Windows's.");
        }

        nint port = Interop.CreateIoCompletionPort(Interop.InvalidHandleValue, 0, 0, 0);
        if (port == 0)
        {
            throw Interop.Win32Error("CreateIoCompletionPort");
        }

        _port = new SafeKernelHandle(port);
        try
        {
            _afd = OpenDriver();
            if (Interop.CreateIoCompletionPort(_afd.DangerousGetHandle(), port, 0, 0) == 0)
            {
                throw Interop.Win32Error("CreateIoCompletionPort(\\Device\\Afd\\Selectors)");
            }

            // The handle need not be signalled on each completion: only the port is waited on.
            if (!Interop.SetFileCompletionNotificationModes(_afd, Interop.FILE_SKIP_SET_EVENT_ON_HANDLE))
            {
                throw Interop.Win32Error("SetFileCompletionNotificationModes");
            }
        }
        catch
        {
            _afd?.Dispose();
            _port.Dispose();
            throw;
        }
    }

    /// <summary>How many sockets are registered.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sockets.Count;
            }
        }
    }

    /// <summary>Whether the set is closed.</summary>
    public bool Closed => Volatile.Read(ref _disposed);

    /// <summary>Whether <paramref name="socket"/> is registered.</summary>
    /// <param name="socket">A socket handle (<see cref="Socket.Handle"/>).</param>
    public bool Contains(nint socket)
    {
        lock (_lock)
        {
            return _sockets.ContainsKey(socket);
        }
    }

    /// <summary>Starts watching <paramref name="socket"/> for <paramref name="events"/>; they are reported with <paramref name="data"/>.</summary>
    /// <param name="socket">A socket handle (<see cref="Socket.Handle"/>), by which the set knows it.</param>
    /// <param name="events">The events to report; a closed socket is always noticed (and forgotten).</param>
    /// <param name="data">Anything; it comes back in each <see cref="AfdEvent"/> of this socket.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="events"/> has bits that are no AFD event.</exception>
    /// <exception cref="ArgumentException"><paramref name="socket"/> is registered already.</exception>
    /// <exception cref="SocketException"><paramref name="socket"/> is not a socket (WSAENOTSOCK) or has no base handle.</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">The driver refused the poll.</exception>
    /// <exception cref="ObjectDisposedException">The set is closed.</exception>
    public void Register(nint socket, AfdEvents events, ulong data)
    {
        ValidateEvents(events);
        lock (_lock)
        {
            ThrowIfDisposed();
            if (_sockets.ContainsKey(socket))
            {
                throw new ArgumentException($"Socket 0x{socket:X} is already registered.", nameof(socket));
            }

            var polled = new PolledSocket(socket, BaseHandleOf(socket), events, data);
            int status = Arm(polled);
            if (polled.State != PolledSocket.PollState.Pending)
            {
                polled.Free();
                throw PollRefused(polled, status);
            }

            _sockets.Add(socket, polled);
        }
    }

    /// <summary>Changes the events and data of a registered socket; takes effect in a wait already blocked.</summary>
    /// <param name="socket">A registered socket handle.</param>
    /// <param name="events">The events to report from now on.</param>
    /// <param name="data">The data to report with them.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="events"/> has bits that are no AFD event.</exception>
    /// <exception cref="KeyNotFoundException"><paramref name="socket"/> is not registered (or was closed, which unregisters it).</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">NtCancelIoFileEx failed.</exception>
    /// <exception cref="ObjectDisposedException">The set is closed.</exception>
    public void Modify(nint socket, AfdEvents events, ulong data)
    {
        ValidateEvents(events);
        lock (_lock)
        {
            PolledSocket polled = Find(socket);
            AfdEvents previous = polled.Interest;
            polled.Interest = events;
            if (polled.State == PolledSocket.PollState.Pending && !polled.PollCoversInterest)
            {
                // The driver can't widen a poll: cancel it, and its completion queues the socket for a poll with the new interest.
                int status = polled.Cancel(_afd);
                if (polled.State != PolledSocket.PollState.Cancelled)
                {
                    polled.Interest = previous;
                    throw Interop.NtError($"NtCancelIoFileEx(socket 0x{socket:X})", status);
                }
            }

            // A narrower interest needs no new poll: what the old one reports beyond it is masked off.
            polled.Data = data;
        }
    }

    /// <summary>Stops watching <paramref name="socket"/>; its outstanding poll is cancelled.</summary>
    /// <param name="socket">A registered socket handle.</param>
    /// <exception cref="KeyNotFoundException"><paramref name="socket"/> is not registered (or was closed, which unregisters it).</exception>
    /// <exception cref="ObjectDisposedException">The set is closed.</exception>
    public void Unregister(nint socket)
    {
        lock (_lock)
        {
            PolledSocket polled = Find(socket);
            _sockets.Remove(socket);
            Forget(polled);
        }
    }

    /// <summary>
    /// Queues a packet that makes one wait (the current one or the next) return an <see cref="AfdEvent"/> with
    /// <see cref="AfdEvents.None"/> and <paramref name="data"/>: a wakeup from another thread.
    /// </summary>
    /// <param name="data">What the packet reports.</param>
    /// <exception cref="System.ComponentModel.Win32Exception">PostQueuedCompletionStatus failed.</exception>
    /// <exception cref="ObjectDisposedException">The set is closed.</exception>
    public void Post(ulong data)
    {
        ThrowIfDisposed();

        // The data rides in the packet's key and, for its high half where a key is 32 bits, its byte count.
        if (!Interop.PostQueuedCompletionStatus(_port, (uint)(data >> 32), (nuint)data, 0))
        {
            throw Interop.Win32Error("PostQueuedCompletionStatus");
        }
    }

    /// <summary>
    /// Waits until a registered socket is ready for its interest, a <see cref="Post"/>, or the timeout, and writes the
    /// reports into <paramref name="events"/>, at most one per socket, allocating nothing.
    /// </summary>
    /// <param name="events">Where the reports go; at most its length are returned per call.</param>
    /// <param name="timeoutMilliseconds">-1 (or any negative value) waits forever, 0 polls, a positive value waits at most that long.</param>
    /// <returns>How many entries of <paramref name="events"/> were filled; 0 on timeout.</returns>
    /// <exception cref="ArgumentException"><paramref name="events"/> is empty.</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">GetQueuedCompletionStatusEx failed, or the driver refused a poll.</exception>
    /// <exception cref="ObjectDisposedException">The set is closed (also when it is closed while this call waits).</exception>
    public unsafe int Wait(Span<AfdEvent> events, int timeoutMilliseconds)
    {
        if (events.IsEmpty)
        {
            throw new ArgumentException("The event buffer must hold at least one event.", nameof(events));
        }

        Deadline deadline = Deadline.AfterMilliseconds(timeoutMilliseconds);

        // -1 is INFINITE (0xFFFFFFFF) as a DWORD.
        uint timeout = (uint)deadline.TimeoutUnits(TimeSpan.TicksPerMillisecond);
        Interop.OverlappedEntry[] entries = ArrayPool<Interop.OverlappedEntry>.Shared.Rent(events.Length);
        try
        {
            while (true)
            {
                int filled;
                lock (_lock)
                {
                    ThrowIfDisposed();
                    int reported = _queued.Count;
                    filled = TakeStale(entries, events);
                    PutFirst(reported);
                    PollQueued();
                    _waiters++;
                }

                // Posted packets among the stale ones are news: collect what else is ready, but don't block.
                uint room = (uint)(events.Length - filled);
                bool dequeued = false;
                uint removed = 0;
                if (room > 0)
                {
                    fixed (Interop.OverlappedEntry* buffer = entries)
                    {
                        dequeued = Interop.GetQueuedCompletionStatusEx(_port, buffer, room, out removed, filled > 0 ? 0 : timeout, false);
                    }
                }

                int error = dequeued || room == 0 ? Interop.WAIT_TIMEOUT : Marshal.GetLastPInvokeError();
                lock (_lock)
                {
                    _waiters--;
                    for (int i = 0; i < (dequeued ? (int)removed : 0); i++)
                    {
                        Take(entries[i], events, ref filled, fresh: true);
                    }
                }

                if (!dequeued && error != Interop.WAIT_TIMEOUT)
                {
                    throw new System.ComponentModel.Win32Exception(error, $"GetQueuedCompletionStatusEx failed: {Marshal.GetPInvokeErrorMessage(error)} ({error})");
                }

                // Completions that reported nothing (a cancelled poll, an unregistered socket) don't end the wait early.
                if (filled > 0 || !dequeued || deadline.TimeoutTicks == 0)
                {
                    return filled;
                }

                int left = deadline.RemainingMilliseconds();
                if (left == 0)
                {
                    return 0;
                }

                timeout = (uint)left;
            }
        }
        finally
        {
            ArrayPool<Interop.OverlappedEntry>.Shared.Return(entries);
        }
    }

    /// <summary>
    /// Closes the set: cancels every poll and waits (up to a second) for their completions, so their memory can be
    /// freed; a waiting thread returns with <see cref="ObjectDisposedException"/>. The sockets stay open. Idempotent.
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            Volatile.Write(ref _disposed, true);
            foreach (PolledSocket polled in _sockets.Values)
            {
                Forget(polled);
            }

            _sockets.Clear();
            _queued.Clear();
            for (int i = 0; i < _waiters; i++)
            {
                Interop.PostQueuedCompletionStatus(_port, 0, 0, ClosingPacket);
            }
        }

        DrainCancelledPolls();
        _afd.Dispose();
        _port.Dispose();
    }

    private static void ValidateEvents(AfdEvents events)
    {
        if ((events & ~AfdEvents.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(events), events, "Unknown AFD event bits.");
        }
    }

    private static unsafe SafeKernelHandle OpenDriver()
    {
        // Any name under \Device\Afd opens the driver itself; wepoll uses \Device\Afd\Wepoll and mio \Device\Afd\Mio.
        const string Name = "\\Device\\Afd\\Selectors";
        fixed (char* name = Name)
        {
            var unicodeName = new Interop.UnicodeString
            {
                Length = (ushort)(Name.Length * sizeof(char)),
                MaximumLength = (ushort)(Name.Length * sizeof(char)),
                Buffer = name,
            };
            var attributes = new Interop.ObjectAttributes { Length = (uint)sizeof(Interop.ObjectAttributes), ObjectName = &unicodeName };
            Interop.IoStatusBlock status;
            int result = Interop.NtCreateFile(
                out nint handle, Interop.SYNCHRONIZE, &attributes, &status, null, 0,
                Interop.FILE_SHARE_READ | Interop.FILE_SHARE_WRITE, Interop.FILE_OPEN, 0, null, 0);
            return result == Interop.STATUS_SUCCESS ? new SafeKernelHandle(handle) : throw Interop.NtError($"NtCreateFile({Name})", result);
        }
    }

    /// <summary>
    /// The base service provider's socket under <paramref name="socket"/>, which the driver polls. The socket's type is
    /// read first: Wine's SIO_BASE_HANDLE hands back any handle unchecked, and a non-socket must fail here, as WSAENOTSOCK.
    /// </summary>
    private static unsafe nint BaseHandleOf(nint socket)
    {
        int type;
        int length = sizeof(int);
        nint baseSocket;
        if (Interop.getsockopt(socket, Interop.SOL_SOCKET, Interop.SO_TYPE, &type, ref length) == Interop.SOCKET_ERROR)
        {
            throw SocketError($"getsockopt(SO_TYPE, socket 0x{socket:X})");
        }

        if (Interop.WSAIoctl(socket, Interop.SIO_BASE_HANDLE, null, 0, &baseSocket, (uint)sizeof(nint), out _, 0, 0) == Interop.SOCKET_ERROR)
        {
            throw SocketError($"WSAIoctl(SIO_BASE_HANDLE, socket 0x{socket:X})");
        }

        return baseSocket;
    }

    private static SocketException SocketError(string call)
    {
        int error = Marshal.GetLastPInvokeError();
        return new SocketException(error, $"{call} failed: {Marshal.GetPInvokeErrorMessage(error)} ({error})");
    }

    private PolledSocket Find(nint socket)
    {
        ThrowIfDisposed();
        return _sockets.TryGetValue(socket, out PolledSocket? polled)
            ? polled
            : throw new KeyNotFoundException($"Socket 0x{socket:X} is not registered.");
    }

    /// <summary>Issues <paramref name="polled"/>'s poll, counting it among those Dispose waits for if the driver took it.</summary>
    private int Arm(PolledSocket polled)
    {
        int status = polled.Poll(_afd);
        _outstanding += polled.State == PolledSocket.PollState.Pending ? 1 : 0;
        return status;
    }

    private static System.ComponentModel.Win32Exception PollRefused(PolledSocket polled, int status) =>
        Interop.NtError($"NtDeviceIoControlFile(IOCTL_AFD_POLL, socket 0x{polled.Socket:X})", status);

    /// <summary>Unregisters a socket found closed: the set forgets it, as epoll forgets a closed descriptor.</summary>
    private void ForgetClosed(PolledSocket polled)
    {
        _sockets.Remove(polled.Socket);
        Forget(polled);
    }

    /// <summary>Drops a socket the set no longer watches: freed now if no poll of it is with the driver, else when its completion comes.</summary>
    private void Forget(PolledSocket polled)
    {
        polled.Forgotten = true;
        if (polled.State == PolledSocket.PollState.Pending)
        {
            // STATUS_NOT_FOUND (it just completed) is fine too; any other failure leaves it pending, freed if it ever completes.
            polled.Cancel(_afd);
        }

        if (polled.State == PolledSocket.PollState.Idle)
        {
            polled.Free();
        }
    }

    /// <summary>
    /// Moves the sockets queued after the first <paramref name="count"/> to the front, in place: the stale ones, never
    /// reported, are polled (so complete, so are handed out) before those the last wait reported, and a caller whose
    /// buffer is short sees every ready socket in turn.
    /// </summary>
    private void PutFirst(int count)
    {
        int total = _queued.Count;
        if (count > 0 && count < total)
        {
            _queued.Reverse(0, count);
            _queued.Reverse(count, total - count);
            _queued.Reverse();
        }
    }

    /// <summary>Polls the queued sockets again; one the driver refuses stays queued, with those after it, and the error is thrown.</summary>
    private void PollQueued()
    {
        int done = 0;
        try
        {
            for (; done < _queued.Count; done++)
            {
                PolledSocket polled = _queued[done];
                if (polled.Forgotten || polled.State != PolledSocket.PollState.Idle)
                {
                    polled.Queued = false;
                    continue;
                }

                int status = Arm(polled);
                if (polled.State != PolledSocket.PollState.Pending && status != Interop.STATUS_INVALID_HANDLE)
                {
                    throw PollRefused(polled, status);
                }

                polled.Queued = false;
                if (polled.State != PolledSocket.PollState.Pending)
                {
                    // Closed before the driver could tell: forgotten, as the driver's LOCAL_CLOSE would have had it.
                    ForgetClosed(polled);
                }
            }
        }
        finally
        {
            _queued.RemoveRange(0, done);
        }
    }

    /// <summary>
    /// Dequeues, without waiting, the packets that were queued before this wait began. A completed poll among them is
    /// stale: it tells what its socket was when it completed, maybe long ago, and the socket may be more ready now (or
    /// closed). It is not reported but polled again at once, and its fresh completion is what the wait reports. Posted
    /// packets are reported.
    /// </summary>
    /// <returns>How many entries of <paramref name="events"/> were filled (posted packets).</returns>
    private unsafe int TakeStale(Interop.OverlappedEntry[] entries, Span<AfdEvent> events)
    {
        int filled = 0;
        uint room;
        uint removed;
        bool dequeued;
        do
        {
            room = (uint)Math.Min(entries.Length, events.Length - filled);
            dequeued = false;
            removed = 0;
            if (room > 0)
            {
                fixed (Interop.OverlappedEntry* buffer = entries)
                {
                    dequeued = Interop.GetQueuedCompletionStatusEx(_port, buffer, room, out removed, 0, false);
                }
            }

            for (int i = 0; i < (dequeued ? (int)removed : 0); i++)
            {
                Take(entries[i], events, ref filled, fresh: false);
            }
        }
        while (dequeued && removed == room && room > 0);

        return filled;
    }

    /// <summary>
    /// Takes one dequeued packet: a posted one is reported as is; a completed poll, if <paramref name="fresh"/>, by its
    /// socket's events; either way its socket is queued to be polled again (or forgotten, if closed or unregistered).
    /// </summary>
    private void Take(in Interop.OverlappedEntry entry, Span<AfdEvent> events, ref int filled, bool fresh)
    {
        if (entry.Overlapped == 0)
        {
            events[filled++] = new AfdEvent(AfdEvents.None, ((ulong)entry.NumberOfBytesTransferred << 32) | (uint)entry.CompletionKey);
            return;
        }

        if (entry.Overlapped == ClosingPacket)
        {
            return;
        }

        PolledSocket polled = PolledSocket.FromContext(entry.Overlapped);
        _outstanding--;
        AfdEvents happened = polled.Complete();
        if (polled.Forgotten)
        {
            polled.Free();
        }
        else if (happened == AfdEvents.LocalClose)
        {
            ForgetClosed(polled);
        }
        else
        {
            if (!polled.Queued)
            {
                polled.Queued = true;
                _queued.Add(polled);
            }

            if (fresh && happened != AfdEvents.None)
            {
                events[filled++] = new AfdEvent(happened, polled.Data);
            }
        }
    }

    /// <summary>
    /// Dequeues the completions of the polls Dispose cancelled, freeing each request's memory. A request the driver has
    /// not completed within <see cref="DrainMilliseconds"/> is left allocated for good: the driver may still write it.
    /// </summary>
    private unsafe void DrainCancelledPolls()
    {
        Deadline deadline = Deadline.AfterMilliseconds(DrainMilliseconds);
        Span<Interop.OverlappedEntry> entries = stackalloc Interop.OverlappedEntry[64];
        Span<AfdEvent> ignored = stackalloc AfdEvent[64];
        while (Volatile.Read(ref _outstanding) > 0 && deadline.RemainingMilliseconds() > 0)
        {
            uint removed;
            bool dequeued;
            fixed (Interop.OverlappedEntry* buffer = entries)
            {
                dequeued = Interop.GetQueuedCompletionStatusEx(_port, buffer, (uint)entries.Length, out removed, 50, false);
            }

            lock (_lock)
            {
                for (int i = 0; i < (dequeued ? (int)removed : 0); i++)
                {
                    if (entries[i].Overlapped == ClosingPacket && _waiters > 0)
                    {
                        // Meant for a waiter, which must still see it.
                        Interop.PostQueuedCompletionStatus(_port, 0, 0, ClosingPacket);
                        continue;
                    }

                    int filled = 0;
                    Take(entries[i], ignored, ref filled, fresh: false);
                }
            }
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
}
