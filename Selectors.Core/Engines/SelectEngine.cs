using System;
using System.Collections.Generic;
using System.Net.Sockets;
using Selectors.Select;
using Selectors.Wakers;

namespace Selectors.Engines;

/// <summary>
/// The select engine, on <see cref="SocketSelect"/>: sockets only. A descriptor or handle given instead of a
/// <see cref="Socket"/> is wrapped in a non-owning <see cref="Socket"/> at registration, which fails with a
/// <see cref="SocketException"/> if it is not a socket. Like Python's, it keeps no OS state: the lists are built per wait,
/// from the registrations whose socket is still open, plus the waker's socket.
/// </summary>
internal sealed class SelectEngine : SelectorEngine
{
    private readonly Dictionary<int, Registration> _byFd = new();
    private readonly Dictionary<Socket, Registration> _bySocket = new(ReferenceEqualityComparer.Instance);
    private readonly List<Socket> _read = new();
    private readonly List<Socket> _write = new();
    private readonly List<Socket> _error = new();
    private readonly List<Registration> _touched = new();
    private readonly SocketPairWaker _waker = new();

    internal override SelectorBackend Kind => SelectorBackend.Select;

    internal override long TicksPerUnit => TimeSpan.TicksPerMicrosecond;

    internal override void Add(int fd, object fileObject, SelectorEvents events, uint generation, SelectorTrigger trigger)
    {
        bool owned = fileObject is not Socket;
        Socket socket = fileObject as Socket ?? Wrap(fd);
        var registration = new Registration(socket, fd, owned) { Interest = events };
        _byFd.Add(fd, registration);
        _bySocket.Add(socket, registration);
    }

    internal override void Modify(int fd, SelectorEvents events, uint generation, SelectorTrigger trigger) => _byFd[fd].Interest = events;

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

    internal override void Remove(int fd)
    {
        Registration registration = _byFd[fd];
        _byFd.Remove(fd);
        _bySocket.Remove(registration.Socket);
        registration.Release();
    }

    internal override int Wait(int timeoutUnits)
    {
        _read.Add(_waker.ReadSocket);
        foreach (Registration registration in _byFd.Values)
        {
            if (registration.Socket.SafeHandle.IsClosed)
            {
                // Disposed while registered: Socket.Select would throw; the selector drops its key's events anyway.
                continue;
            }

            if ((registration.Interest & SelectorEvents.Read) != 0)
            {
                _read.Add(registration.Socket);
            }

            if ((registration.Interest & SelectorEvents.Write) != 0)
            {
                _write.Add(registration.Socket);
                if (OperatingSystem.IsWindows())
                {
                    // Winsock reports a failed non-blocking connect only in the error set; Python merges it into write.
                    _error.Add(registration.Socket);
                }
            }
        }

        try
        {
            SocketSelect.SelectInPlace(_read, _write, _error, timeoutUnits);
            MarkReady(_read, SelectorEvents.Read);
            MarkReady(_write, SelectorEvents.Write);
            MarkReady(_error, SelectorEvents.Write);
        }
        finally
        {
            _read.Clear();
            _write.Clear();
            _error.Clear();
        }

        ReadyDescriptor[] ready = ReadyBuffer(_touched.Count);
        for (int i = 0; i < _touched.Count; i++)
        {
            ready[i] = new ReadyDescriptor(_touched[i].Fd, _touched[i].Ready, 0);
            _touched[i].Ready = SelectorEvents.None;
        }

        int count = _touched.Count;
        _touched.Clear();
        return count;
    }

    internal override Waker Waker => _waker;

    public override void Dispose()
    {
        foreach (Registration registration in _byFd.Values)
        {
            registration.Release();
        }

        _byFd.Clear();
        _bySocket.Clear();
        _waker.Dispose();
    }

    private void MarkReady(List<Socket> sockets, SelectorEvents events)
    {
        foreach (Socket socket in sockets)
        {
            if (socket == _waker.ReadSocket)
            {
                _waker.Reset(); // consumed here; BaseSelector tells a Wakeup from its own wakes
                continue;
            }

            Registration registration = _bySocket[socket];
            if (registration.Ready == SelectorEvents.None)
            {
                _touched.Add(registration);
            }

            registration.Ready |= events;
        }
    }

    private sealed class Registration(Socket socket, int fd, bool ownsSocket)
    {
        internal Socket Socket { get; } = socket;

        internal int Fd { get; } = fd;

        internal SelectorEvents Interest { get; set; }

        internal SelectorEvents Ready { get; set; }

        /// <summary>Disposes the wrapper made at registration; never the caller's socket, never the descriptor.</summary>
        internal void Release()
        {
            if (ownsSocket)
            {
                Socket.Dispose();
            }
        }
    }
}
