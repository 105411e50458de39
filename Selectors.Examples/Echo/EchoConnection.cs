using System;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// One client of <see cref="EchoServer"/>: its non-blocking socket and the bytes received but not yet echoed.
/// Its <see cref="OnReady"/> method is the callback stored in the selector key's data, as in Python's example.
/// </summary>
/// <remarks>
/// The connection watches either <see cref="SelectorEvents.Read"/> or <see cref="SelectorEvents.Write"/>, never both:
/// it reads only once everything read before has been sent back. So a client that sends faster than it reads is
/// slowed down by TCP flow control instead of growing this server's memory, and the output buffer never holds more
/// than one receive.
/// </remarks>
internal sealed class EchoConnection
{
    private readonly ISelector _selector;
    private readonly Socket _socket;
    private readonly TextWriter? _log;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly Action<Socket, SelectorEvents> _callback;
    private int _pendingStart;
    private int _pendingEnd;
    private SelectorEvents _watching = SelectorEvents.Read;

    /// <summary>Takes over an accepted socket and registers it for reading.</summary>
    public EchoConnection(ISelector selector, Socket socket, TextWriter? log)
    {
        _selector = selector;
        _socket = socket;
        _log = log;
        Peer = socket.RemoteEndPoint as IPEndPoint;
        _callback = OnReady;
        _selector.Register(socket, SelectorEvents.Read, _callback);
        _log?.WriteLine($"connect {Peer}");
    }

    /// <summary>The client's address, taken at accept time (a reset socket can no longer tell it).</summary>
    public IPEndPoint? Peer { get; }

    /// <summary>The selector callback: receive and echo when readable, finish a partial send when writable.</summary>
    public void OnReady(Socket socket, SelectorEvents events)
    {
        if ((events & SelectorEvents.Write) != 0)
        {
            Flush();
        }
        else
        {
            Receive();
        }
    }

    /// <summary>Unregisters and closes the socket: unregister first, since a closed descriptor's number can be reused at once.</summary>
    public void Close(string reason)
    {
        _selector.Unregister(_socket);
        _socket.Dispose();
        _log?.WriteLine($"close {Peer} ({reason})");
    }

    private void Receive()
    {
        // The error-code overloads: would-block and resets are ordinary events here, not exceptions.
        int received = _socket.Receive(_buffer, SocketFlags.None, out SocketError error);
        switch (error)
        {
            case SocketError.WouldBlock:
                return; // Readiness is a hint; the data may be gone already.
            case SocketError.Success when received == 0:
                Close("eof");
                return;
            case SocketError.Success:
                (_pendingStart, _pendingEnd) = (0, received);
                Flush();
                return;
            default:
                Close(SocketErrors.Describe(error)); // ECONNRESET and the like: the client is gone.
                return;
        }
    }

    private void Flush()
    {
        // Bounded: every pass either sends at least one byte or returns.
        while (_pendingStart < _pendingEnd)
        {
            int sent = _socket.Send(_buffer.AsSpan(_pendingStart, _pendingEnd - _pendingStart), SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock || (error == SocketError.Success && sent == 0))
            {
                // The client's receive window is full: wait until the socket is writable, and stop reading meanwhile.
                Watch(SelectorEvents.Write);
                return;
            }

            if (error != SocketError.Success)
            {
                Close(SocketErrors.Describe(error));
                return;
            }

            _pendingStart += sent;
        }

        Watch(SelectorEvents.Read);
    }

    private void Watch(SelectorEvents events)
    {
        // Almost every round trip stays on Read: skip the lookup Modify would make to find nothing changed.
        if (events == _watching)
        {
            return;
        }

        // Modify's data argument replaces the key's data (omitted means null, as in Python), so pass the callback again.
        _selector.Modify(_socket, events, _callback);
        _watching = events;
    }
}
