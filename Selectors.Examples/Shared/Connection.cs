using System;
using System.Net;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// What an http or chat connection shares: its non-blocking socket, its registration (the callback in the key's data
/// is <see cref="OnReady"/>, bound to this object), its <see cref="OutputBuffer"/>, its idle timer, and an orderly close.
/// Subclasses say what to do with received bytes and which events to watch.
/// </summary>
internal abstract class Connection
{
    private readonly Action<SelectorEvents> _callback;

    /// <summary>Takes over an accepted socket, registers it for <paramref name="events"/> and starts its idle timer.</summary>
    protected Connection(ServerLoop loop, Socket socket, SelectorEvents events)
    {
        Loop = loop;
        Socket = socket;
        Peer = socket.RemoteEndPoint as IPEndPoint;
        _callback = OnReady;
        Loop.Selector.Register(socket, events, _callback);
        Loop.Log?.WriteLine($"connect {Peer}");
        Touch();
    }

    /// <summary>The client's address, taken at accept time (a reset socket can no longer tell it).</summary>
    public IPEndPoint? Peer { get; }

    /// <summary>Whether <see cref="Close"/> ran. A callback of this connection may still be due in the current batch
    /// of events (another connection's callback closed it), so every callback checks this first.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>The loop this connection runs on.</summary>
    protected ServerLoop Loop { get; }

    /// <summary>The connection's socket.</summary>
    protected Socket Socket { get; }

    /// <summary>The bytes waiting to be sent.</summary>
    protected OutputBuffer Output { get; } = new();

    /// <summary>Unregisters and closes the socket (unregister first: a closed descriptor's number can be reused at once). Idempotent.</summary>
    public void Close(string reason)
    {
        if (IsClosed)
        {
            return;
        }

        IsClosed = true;
        Loop.Timers.Remove(this);
        Loop.Selector.Unregister(Socket);
        Socket.Dispose();
        Loop.Log?.WriteLine($"close {Peer} ({reason})");
        OnClosed();
    }

    /// <summary>Called when the socket is readable (or hung up).</summary>
    protected abstract void OnReadable();

    /// <summary>Called when the socket is writable (or hung up).</summary>
    protected abstract void OnWritable();

    /// <summary>Called once, after the socket is closed.</summary>
    protected virtual void OnClosed()
    {
    }

    /// <summary>Called by the loop once the connection's deadline (see <see cref="Touch"/>) has passed: closes it.</summary>
    public virtual void OnTimeout() => Close("idle timeout");

    /// <summary>
    /// A deadline that activity does not move (see <see cref="DeadlineQueue{T}.Now"/>), or null for none: a subclass
    /// bounds the total time of a phase with it (the http head's), which a client that trickles bytes cannot extend.
    /// </summary>
    protected virtual long? FixedDeadline => null;

    /// <summary>Sets the events to watch. The callback is passed again: Modify's data replaces the key's data.</summary>
    protected void Watch(SelectorEvents events) => Loop.Selector.Modify(Socket, events, _callback);

    /// <summary>
    /// Moves the idle deadline to a full timeout from now, or to <see cref="FixedDeadline"/> if that is sooner; called
    /// whenever bytes move either way, and by a subclass whose <see cref="FixedDeadline"/> changed.
    /// </summary>
    protected void Touch()
    {
        long? deadline = Loop.Settings.IdleTimeout is TimeSpan idle ? DeadlineQueue<Connection>.Now + (long)Math.Ceiling(idle.TotalMilliseconds) : null;
        if (FixedDeadline is long cap && !(deadline <= cap))
        {
            deadline = cap;
        }

        if (deadline is long due)
        {
            Loop.Timers.Set(this, due);
        }
        else
        {
            Loop.Timers.Remove(this);
        }
    }

    /// <summary>One receive into <paramref name="input"/>. End of file and errors close the connection.</summary>
    /// <returns>The number of bytes received; 0 when none were (would block, or the connection was closed).</returns>
    protected int Receive(InputBuffer input, int chunk)
    {
        SocketError error = input.ReceiveFrom(Socket, chunk, out int received);
        switch (error)
        {
            case SocketError.WouldBlock:
                return 0; // Readiness is a hint; the data may be gone already.
            case SocketError.Success when received == 0:
                Close("eof");
                return 0;
            case SocketError.Success:
                Touch();
                return received;
            default:
                Close(Describe(error)); // ECONNRESET and the like: the client is gone.
                return 0;
        }
    }

    /// <summary>Sends what <see cref="Output"/> holds, as far as the socket takes it. An error closes the connection.</summary>
    /// <returns>Whether the connection is still open.</returns>
    protected bool Flush()
    {
        SocketError error = Output.SendTo(Socket, out int sent);
        if (sent > 0)
        {
            Touch();
        }

        if (error != SocketError.Success)
        {
            Close(Describe(error));
            return false;
        }

        return true;
    }

    private void OnReady(SelectorEvents events)
    {
        if (!IsClosed && (events & SelectorEvents.Write) != 0)
        {
            OnWritable();
        }

        if (!IsClosed && (events & SelectorEvents.Read) != 0)
        {
            OnReadable();
        }
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionReset => "reset",
        SocketError.ConnectionAborted => "aborted",
        SocketError.Shutdown => "broken pipe",
        _ => $"error: {error}",
    };
}
