using System;
using System.Collections.Generic;
using System.Net.Sockets;
using Selectors.Select;
using Selectors.Wakers;

namespace Selectors.Engines;

/// <summary>
/// The select engine, on <see cref="SocketSelect"/>: sockets only. A descriptor or handle given instead of a
/// <see cref="Socket"/> is wrapped in a non-owning <see cref="Socket"/> at registration, which fails with a
/// <see cref="SocketException"/> if it is not a socket. Like Python's, it keeps no OS state: the lists are built per wait
/// from the registrations, plus the waker's socket, so a change from another thread goes through
/// <see cref="WaitingChanges"/>. <c>Socket.Select</c> keeps each list's order, so the results are matched to
/// registrations by walking both in step, without a lookup; each wait starts where the last one's buffer ran out.
/// </summary>
internal sealed class SelectEngine : SelectorEngine
{
    private readonly List<Watched> _watched = new();
    private readonly List<Socket> _read = new();
    private readonly List<Socket> _write = new();
    private readonly List<Socket> _error = new();
    private readonly SocketPairWaker _waker = new();
    private readonly WaitingChanges _changes;
    private int _start;

    internal SelectEngine() => _changes = new WaitingChanges(_waker);

    internal override SelectorBackend Kind => SelectorBackend.Select;

    internal override Waker Waker => _waker;

    private protected override long TicksPerUnit => TimeSpan.TicksPerMicrosecond;

    internal override void Register(Registration registration)
    {
        RequireLevelTriggered(registration.Trigger);
        var watched = new Watched(registration, registration.Key.FileObject as Socket ?? Wrap(registration.Fd), registration.Key.Events);
        _changes.BeginChange();
        try
        {
            registration.Tag = (uint)_watched.Count;
            _watched.Add(watched);
        }
        finally
        {
            _changes.EndChange();
        }
    }

    internal override void Modify(Registration registration, SelectorEvents events, SelectorTrigger trigger)
    {
        RequireLevelTriggered(trigger);
        _changes.BeginChange();
        try
        {
            _watched[(int)registration.Tag].Interest = events;
        }
        finally
        {
            _changes.EndChange();
        }
    }

    internal override void Unregister(Registration registration)
    {
        _changes.BeginChange();
        try
        {
            // Unless the sweep already removed it, claimed by the wait.
            int index = (int)registration.Tag;
            if (index < _watched.Count && _watched[index].Registration == registration)
            {
                Remove(index);
            }
        }
        finally
        {
            _changes.EndChange();
        }
    }

    // Called inside the wait, while the lists are walked: the next wait's sweep removes it.
    private protected override void RemoveClosed(Registration registration)
    {
    }

    private protected override int WaitOnce(Span<(SelectorKey Key, SelectorEvents Events)> ready, int timeoutUnits, out bool wakerSeen)
    {
        _changes.EnterWait();
        try
        {
            SweepClosed();
            int count = _watched.Count;
            int start = _start < count ? _start : 0;
            _read.Add(_waker.ReadSocket);
            for (int n = 0; n < count; n++)
            {
                Watched watched = _watched[(start + n) % count];
                if ((watched.Interest & SelectorEvents.Read) != 0)
                {
                    _read.Add(watched.Socket);
                }

                if ((watched.Interest & SelectorEvents.Write) != 0)
                {
                    _write.Add(watched.Socket);
                    if (OperatingSystem.IsWindows())
                    {
                        // Winsock reports a failed non-blocking connect only in the error set; Python merges it into write.
                        _error.Add(watched.Socket);
                    }
                }
            }

            SocketSelect.SelectInPlace(_read, _write, _error, timeoutUnits);
            wakerSeen = _read.Count > 0 && _read[0] == _waker.ReadSocket;
            if (wakerSeen)
            {
                _waker.Reset();
            }

            return Match(ready, start, wakerSeen ? 1 : 0);
        }
        finally
        {
            _read.Clear();
            _write.Clear();
            _error.Clear();
            _changes.ExitWait();
        }
    }

    public override void Dispose()
    {
        foreach (Watched watched in _watched)
        {
            watched.Release();
        }

        _watched.Clear();
        _waker.Dispose();
    }

    /// <summary>
    /// Walks the registrations in the order the lists were built, each list's ready sockets in step, and reports each
    /// ready registration once with its merged events; remembers where to start when the buffer fills.
    /// </summary>
    private int Match(Span<(SelectorKey Key, SelectorEvents Events)> ready, int start, int read)
    {
        int count = _watched.Count;
        int write = 0;
        int error = 0;
        int filled = 0;
        _start = 0;
        for (int n = 0; n < count && read + write + error < _read.Count + _write.Count + _error.Count; n++)
        {
            if (filled == ready.Length)
            {
                _start = (start + n) % count;
                break;
            }

            Watched watched = _watched[(start + n) % count];
            SelectorEvents events = Take(_read, ref read, watched.Socket, SelectorEvents.Read)
                | Take(_write, ref write, watched.Socket, SelectorEvents.Write)
                | Take(_error, ref error, watched.Socket, SelectorEvents.Write);
            if (events != SelectorEvents.None)
            {
                Report(watched.Registration, events, ready, ref filled);
            }
        }

        return filled;
    }

    /// <summary><paramref name="events"/> if the next ready socket of <paramref name="list"/> is <paramref name="socket"/> (then moving past it).</summary>
    private static SelectorEvents Take(List<Socket> list, ref int next, Socket socket, SelectorEvents events)
    {
        if (next < list.Count && ReferenceEquals(list[next], socket))
        {
            next++;
            return events;
        }

        return SelectorEvents.None;
    }

    /// <summary>
    /// Drops the registrations whose socket was closed while registered (Socket.Select would throw for them, and the
    /// selector drops their events anyway), and those that left the interest set since the last wait.
    /// </summary>
    private void SweepClosed()
    {
        for (int i = _watched.Count - 1; i >= 0; i--)
        {
            Registration registration = _watched[i].Registration;
            if (registration.FileObjectClosed && registration.TryLeaveInterestSet())
            {
                registration.Release();
            }

            if (registration.LeftInterestSet)
            {
                Remove(i);
            }
        }
    }

    /// <summary>Removes entry <paramref name="index"/> in O(1), moving the last one into its place.</summary>
    private void Remove(int index)
    {
        Watched removed = _watched[index];
        int last = _watched.Count - 1;
        if (index != last)
        {
            _watched[index] = _watched[last];
            _watched[index].Registration.Tag = (uint)index;
        }

        _watched.RemoveAt(last);
        removed.Release();
    }

    /// <summary>A non-owning <see cref="Socket"/> over <paramref name="fd"/>; a closed descriptor or a non-socket is refused.</summary>
    private static Socket Wrap(int fd)
    {
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: false));
        if (socket.SocketType == SocketType.Unknown)
        {
            // .NET wraps pipes and files without complaint, but select (on Windows) watches only sockets: refuse here, as Python's OSError would.
            socket.Dispose();
            throw new SocketException((int)SocketError.NotSocket);
        }

        return socket;
    }

    /// <summary>A registration as this engine watches it: its socket (the caller's, or a wrapper it owns) and interest.</summary>
    private sealed class Watched(Registration registration, Socket socket, SelectorEvents interest)
    {
        internal Registration Registration { get; } = registration;

        internal Socket Socket { get; } = socket;

        internal SelectorEvents Interest { get; set; } = interest;

        /// <summary>Disposes the wrapper made at registration; never the caller's socket, never the descriptor.</summary>
        internal void Release()
        {
            if (!ReferenceEquals(Socket, Registration.Key.FileObject))
            {
                Socket.Dispose();
            }
        }
    }
}
