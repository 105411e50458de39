using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using Selectors.Epoll;

namespace Selectors.Examples;

/// <summary>
/// The epoll server on edge-triggered epoll (EPOLLET): each socket is registered once for everything it may ever want,
/// and the kernel reports a change of readiness only once. So the server must work until EAGAIN (accept until EAGAIN,
/// read and write until EAGAIN) and remember, per connection, what the kernel said is ready and not yet used up;
/// a readiness that is dropped is never reported again.
/// </summary>
/// <remarks>
/// A connection is served at most <see cref="PassesPerTurn"/> receive-and-send passes per turn, so one client that
/// never stops sending cannot starve the others; one with readiness left over is resumed after the next wait, which then
/// only polls.
/// </remarks>
internal sealed class EdgeEpollServer : ReadinessServer
{
    private const int PassesPerTurn = 16;
    private const EpollEvents ConnectionEvents = EpollEvents.In | EpollEvents.Out | EpollEvents.RdHup | EpollEvents.EdgeTriggered;
    private readonly EpollInstance _epoll = new();
    private readonly Dictionary<int, Readiness> _readiness = new(); // by descriptor
    private readonly HashSet<int> _unfinished = new();

    /// <summary>Listens on <paramref name="endpoint"/> and answers with <paramref name="protocol"/>.</summary>
    /// <param name="endpoint">Where to listen; port 0 lets the OS choose.</param>
    /// <param name="protocol">What to answer.</param>
    /// <param name="log">Where to write one line per connect and close, or null.</param>
    /// <param name="errors">Where to report running out of descriptors.</param>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public EdgeEpollServer(IPEndPoint endpoint, Protocol protocol, TextWriter? log, TextWriter errors)
        : base(endpoint, protocol, log, errors)
    {
    }

    /// <inheritdoc />
    public override string Backend => "Epoll";

    /// <inheritdoc />
    protected override void Watch(Socket socket, bool read, bool write) => _epoll.Register((int)socket.Handle, EpollEvents.In | EpollEvents.EdgeTriggered);

    /// <inheritdoc />
    protected override void WatchConnection(PeerConnection connection)
    {
        // Reading and writing from the start: with edge triggering there is no Modify per state.
        _epoll.Register(connection.Fd, ConnectionEvents);
        _readiness.Add(connection.Fd, new Readiness()); // Nothing is known yet; its first events will tell.
    }

    /// <inheritdoc />
    protected override void Rewatch(Socket socket, bool read, bool write)
    {
        // Never needed: the registration already covers both directions.
    }

    /// <inheritdoc />
    protected override void Forget(Socket socket)
    {
        int fd = (int)socket.Handle;
        _epoll.Unregister(fd);
        _readiness.Remove(fd);
        _unfinished.Remove(fd);
    }

    /// <inheritdoc />
    protected override void WaitOnce(TimeSpan? timeout)
    {
        // With leftover work, only poll: the leftover is served right after, with whatever became ready meanwhile.
        foreach (var (fd, events) in _epoll.Poll(_unfinished.Count > 0 ? 0 : timeout?.TotalSeconds ?? -1))
        {
            Dispatch(
                fd,
                readable: (events & (EpollEvents.In | EpollEvents.RdHup)) != 0,
                writable: (events & EpollEvents.Out) != 0,
                hangUp: (events & (EpollEvents.Hup | EpollEvents.Err)) != 0);
        }

        foreach (int fd in _unfinished.ToList())
        {
            // Still unfinished: not closed, nor served to EAGAIN, by an event above.
            if (_unfinished.Contains(fd) && TryGetConnection(fd, out PeerConnection? connection))
            {
                Serve(connection);
            }
        }
    }

    /// <inheritdoc />
    protected override void AcceptReady()
    {
        // One edge for any number of pending connections: accept them all, or the rest would wait for the next client.
        while (TryAccept())
        {
        }
    }

    /// <inheritdoc />
    protected override void OnReady(PeerConnection connection, bool readable, bool writable, bool hangUp)
    {
        Readiness readiness = _readiness[connection.Fd];
        // A hang-up or an error lets both calls run: they report it (end of file, ECONNRESET) and the connection ends.
        readiness.Readable |= readable || hangUp;
        readiness.Writable |= writable || hangUp;
        Serve(connection);
    }

    /// <inheritdoc />
    protected override void DisposeBackend() => _epoll.Dispose();

    private void Serve(PeerConnection connection)
    {
        Readiness readiness = _readiness[connection.Fd];
        _unfinished.Remove(connection.Fd);
        for (int pass = 0; pass < PassesPerTurn; pass++)
        {
            bool progressed = false;
            if ((readiness.Writable && connection.HasOutput && !Step(connection.Send(), ref readiness.Writable, ref progressed))
                || (readiness.Readable && connection.WantsInput && !Step(connection.Receive(), ref readiness.Readable, ref progressed)))
            {
                Close(connection, connection.ClosedReason);
                return;
            }

            if (!progressed)
            {
                return; // EAGAIN (or nothing wanted) in every direction that was ready: wait for the next edge.
            }
        }

        _unfinished.Add(connection.Fd);
    }

    /// <summary>Accounts one call: false when the connection is over; EAGAIN uses up that direction's readiness.</summary>
    private static bool Step(IoResult result, ref bool ready, ref bool progressed)
    {
        switch (result)
        {
            case IoResult.Done:
                progressed = true;
                return true;
            case IoResult.WouldBlock:
                ready = false;
                return true;
            default:
                return false;
        }
    }


    /// <summary>What the kernel reported ready for one connection and the server has not used up (met EAGAIN) yet.</summary>
    private sealed class Readiness
    {
        public bool Readable;
        public bool Writable;
    }
}
