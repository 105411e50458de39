using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// What the low-level servers (<c>echo --lowlevel</c>, <c>echo --edge</c>, <c>select-server</c>, <c>poll-server</c>)
/// share: the listener, the table of connections by descriptor (Python's <c>connections[fileno]</c>), accepting,
/// closing, the stop signal, and the level-triggered handling of a ready connection. A subclass is only the readiness
/// call: how to watch a socket, and one wait that reports what is ready through <see cref="Dispatch"/>.
/// </summary>
/// <remarks>The server owns its listener and connections and closes them in <see cref="Dispose"/>.</remarks>
internal abstract class ReadinessServer : IDisposable
{
    private readonly Dictionary<int, PeerConnection> _connections = new();
    private readonly Dictionary<int, (bool Read, bool Write)> _watching = new(); // what each connection is registered for
    private readonly Protocol _protocol;
    private readonly TextWriter? _log;
    private readonly Socket _listener;
    private readonly int _listenerFd;
    private readonly AcceptBackOff _acceptBackOff;
    private StopSignal? _stop;
    private int _wakeUpFd = -1;

    /// <summary>Listens on <paramref name="endpoint"/>; the subclass registers the listener in <see cref="Run"/>.</summary>
    /// <param name="endpoint">Where to listen; port 0 lets the OS choose.</param>
    /// <param name="protocol">What to answer.</param>
    /// <param name="log">Where to write one line per connect and close, or null.</param>
    /// <param name="errors">Where to report running out of descriptors (see <see cref="AcceptBackOff"/>).</param>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    protected ReadinessServer(IPEndPoint endpoint, Protocol protocol, TextWriter? log, TextWriter errors)
    {
        _protocol = protocol;
        _log = log;
        _acceptBackOff = new AcceptBackOff(errors);
        _listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(endpoint);
            _listener.Listen(128);
            // Non-blocking, so a client that disconnects between the wait and accept cannot stall the loop.
            _listener.Blocking = false;
            _listenerFd = (int)_listener.Handle;
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
    }

    /// <summary>The name of the readiness call, for the <c>listening on</c> line: Epoll, Poll or Select.</summary>
    public abstract string Backend { get; }

    /// <summary>The address the server listens on, with the port the OS chose.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Serves until <paramref name="stop"/> is requested.</summary>
    public void Run(StopSignal stop)
    {
        _stop = stop;
        _wakeUpFd = (int)stop.WakeUp.Handle;
        Watch(_listener, read: true, write: false);
        Watch(stop.WakeUp, read: true, write: false);
        try
        {
            while (!stop.IsRequested)
            {
                // No timeout but the end of an accept pause: the wake-up socket ends the wait when a stop is requested.
                WaitOnce(_acceptBackOff.Bound(null));
                if (_acceptBackOff.TryResume())
                {
                    Watch(_listener, read: true, write: false);
                }
            }
        }
        finally
        {
            Forget(stop.WakeUp); // It belongs to the StopSignal, not to this server.
            if (!_acceptBackOff.IsPaused)
            {
                Forget(_listener);
            }
        }
    }

    /// <summary>Closes every connection, then the listener, then the subclass's readiness object.</summary>
    public void Dispose()
    {
        foreach (PeerConnection connection in _connections.Values.ToList())
        {
            Close(connection, "server stopping");
        }

        _listener.Dispose();
        DisposeBackend();
    }

    /// <summary>Starts watching <paramref name="socket"/> (Python's <c>register</c>).</summary>
    protected abstract void Watch(Socket socket, bool read, bool write);

    /// <summary>Starts watching a new connection; by default for reading, as the Python originals register it.</summary>
    protected virtual void WatchConnection(PeerConnection connection) => Watch(connection.Socket, read: true, write: false);

    /// <summary>The open connection with descriptor <paramref name="fd"/>, if any.</summary>
    protected bool TryGetConnection(int fd, [NotNullWhen(true)] out PeerConnection? connection) => _connections.TryGetValue(fd, out connection);

    /// <summary>Changes what is watched on a watched socket (Python's <c>modify</c>); only called on a change.</summary>
    protected abstract void Rewatch(Socket socket, bool read, bool write);

    /// <summary>Stops watching <paramref name="socket"/> (Python's <c>unregister</c>), before it is closed.</summary>
    protected abstract void Forget(Socket socket);

    /// <summary>One wait, at most <paramref name="timeout"/> (null: until something is ready); calls
    /// <see cref="Dispatch"/> for each ready descriptor.</summary>
    protected abstract void WaitOnce(TimeSpan? timeout);

    /// <summary>Releases the readiness object (the epoll descriptor); nothing by default.</summary>
    protected virtual void DisposeBackend()
    {
    }

    /// <summary>Routes one ready descriptor: the listener accepts, the wake-up socket drains, a connection is served.</summary>
    /// <param name="fd">The ready descriptor.</param>
    /// <param name="readable">Ready to read (or accept).</param>
    /// <param name="writable">Ready to write.</param>
    /// <param name="hangUp">Hang-up or error reported.</param>
    protected void Dispatch(int fd, bool readable, bool writable, bool hangUp)
    {
        if (fd == _listenerFd)
        {
            AcceptReady();
        }
        else if (fd == _wakeUpFd)
        {
            _stop?.Drain();
        }
        else if (_connections.TryGetValue(fd, out PeerConnection? connection))
        {
            OnReady(connection, readable, writable, hangUp);
        }

        // Otherwise it was closed earlier in this batch of events: nothing to do.
    }

    /// <summary>The listener is readable: accept one connection, as the Python originals do (level-triggered, the next wait reports the rest).</summary>
    protected virtual void AcceptReady() => TryAccept();

    /// <summary>
    /// Level-triggered handling, as the Python originals: read if readable (end of file or an error ends it), else close
    /// on hang-up; send once if writable; then watch what the connection now wants.
    /// </summary>
    protected virtual void OnReady(PeerConnection connection, bool readable, bool writable, bool hangUp)
    {
        IoResult result = IoResult.WouldBlock;
        if (readable && connection.WantsInput)
        {
            result = connection.Receive();
        }
        else if (hangUp)
        {
            Close(connection, "hang-up");
            return;
        }

        if (result != IoResult.Closed && writable && connection.HasOutput)
        {
            result = connection.Send();
        }

        if (result == IoResult.Closed)
        {
            Close(connection, connection.ClosedReason);
            return;
        }

        WatchWhatItWants(connection);
    }

    /// <summary>Accepts one pending connection and starts watching it; false when none was pending (EAGAIN) or accepts
    /// are paused for want of descriptors.</summary>
    protected bool TryAccept()
    {
        AcceptBackOff.Outcome outcome = _acceptBackOff.TryAccept(_listener, out Socket? client);
        if (outcome == AcceptBackOff.Outcome.Paused)
        {
            Forget(_listener); // the client waits in the backlog, the others go on
        }

        if (client is null)
        {
            // An aborted client may hide others behind it.
            return outcome == AcceptBackOff.Outcome.ClientLeft;
        }

        client.Blocking = false;
        client.NoDelay = true; // Replies leave as they are made; see EchoServer.
        var connection = new PeerConnection(client, _protocol);
        _connections.Add(connection.Fd, connection);
        WatchConnection(connection);
        _watching[connection.Fd] = (true, false);
        _log?.WriteLine($"connect {connection.Peer}");
        return true;
    }

    /// <summary>Unregisters, closes and forgets <paramref name="connection"/>: unregister first, since a closed descriptor's number can be reused at once.</summary>
    protected void Close(PeerConnection connection, string reason)
    {
        Forget(connection.Socket);
        _connections.Remove(connection.Fd);
        _watching.Remove(connection.Fd);
        connection.Dispose();
        _log?.WriteLine($"close {connection.Peer} ({reason})");
    }

    private void WatchWhatItWants(PeerConnection connection)
    {
        (bool Read, bool Write) wanted = (connection.WantsInput, connection.HasOutput);
        if (_watching[connection.Fd] != wanted)
        {
            Rewatch(connection.Socket, wanted.Read, wanted.Write);
            _watching[connection.Fd] = wanted;
        }
    }
}
