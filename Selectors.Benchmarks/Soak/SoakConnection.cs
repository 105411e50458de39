using System;
using System.Diagnostics;
using System.Net.Sockets;

namespace Selectors.Benchmarks.Soak;

/// <summary>
/// One client connection of the soak: connects without blocking, then sends messages of random size in random chunks
/// from its own <see cref="PayloadStream"/>, checks every byte that comes back, and after its round trips half-closes
/// and waits for the server's end of file. The key's data is the connection itself; the loop calls <see cref="OnReady"/>.
/// </summary>
internal sealed class SoakConnection
{
    private readonly SoakLoad _load;
    private readonly PayloadStream _payload;
    private readonly Socket _socket;
    private Phase _phase = Phase.Connecting;
    private SelectorEvents _watching = SelectorEvents.Write;
    private int _roundTripsLeft;
    private long _sent;
    private long _echoed;
    private long _messageEnd;

    /// <summary>Starts the connect; the socket turns writable when the handshake is over.</summary>
    /// <exception cref="SocketException">The connect failed at once (out of ports or descriptors, say).</exception>
    public SoakConnection(SoakLoad load, PayloadStream payload, int roundTrips)
    {
        _load = load;
        _payload = payload;
        _roundTripsLeft = roundTrips;
        // NoDelay: every chunk should leave as its own segment, so the server sees the chunking, not Nagle's.
        _socket = new Socket(load.Server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false, NoDelay = true };
        try
        {
            _socket.Connect(load.Server);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // The usual case: the handshake goes on in the kernel.
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        _load.Selector.Register(_socket, _watching, this);
        LastProgress = Stopwatch.GetTimestamp();
    }

    private enum Phase
    {
        Connecting,
        Exchanging,
        Closing,
        Done,
    }

    /// <summary>When bytes last moved (or the connect began), for the stall check.</summary>
    public long LastProgress { get; private set; }

    /// <summary>Whether the server has echoed nothing yet: it may not even have accepted the connection.</summary>
    public bool IsUnanswered => _phase != Phase.Done && _echoed == 0 && _roundTripsLeft > 0;

    /// <summary>Whether the connection has ended, completed or dropped.</summary>
    public bool IsDone => _phase == Phase.Done;

    /// <summary>The selector callback.</summary>
    public void OnReady(SelectorEvents events)
    {
        switch (_phase)
        {
            case Phase.Connecting:
                OnConnected();
                break;
            case Phase.Exchanging:
                if ((events & SelectorEvents.Read) != 0)
                {
                    ReceiveEcho();
                }

                if (_phase == Phase.Exchanging && (events & SelectorEvents.Write) != 0)
                {
                    SendMessage();
                }

                break;
            case Phase.Closing:
                ReceiveEndOfFile();
                break;
        }
    }

    /// <summary>Ends the connection as dropped: whatever was sent and not echoed is lost.</summary>
    public void Abort(string reason)
    {
        if (_phase != Phase.Done)
        {
            _load.Tally.Drop(reason, _sent - _echoed);
            Close();
        }
    }

    /// <summary>Ends the wait of a connection parked during the ramp: it starts its next message.</summary>
    public void Resume()
    {
        if (_phase == Phase.Exchanging)
        {
            LastProgress = Stopwatch.GetTimestamp(); // Waiting was not stalling.
            NextMessageOrHalfClose();
        }
    }

    private void OnConnected()
    {
        // Writable means the handshake is over, not that it worked: SO_ERROR tells.
        var error = (SocketError)(int)_socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
        if (error != SocketError.Success)
        {
            Abort($"connect: {error}");
            return;
        }

        _phase = Phase.Exchanging;
        LastProgress = Stopwatch.GetTimestamp();
        NextMessageOrHalfClose();
    }

    private void NextMessageOrHalfClose()
    {
        if (_roundTripsLeft > 0 && !_load.Stopping && _load.Ramping && _echoed > 0)
        {
            // Answered: wait for the ramp to end. Still watch Read, so bytes the server was not sent are seen.
            Watch(SelectorEvents.Read);
            _load.Park(this);
            return;
        }

        if (_roundTripsLeft > 0 && !_load.Stopping)
        {
            _messageEnd = _sent + _load.NextMessageSize();
            Watch(SelectorEvents.Read | SelectorEvents.Write);
            SendMessage(); // Most of it usually fits in the socket's buffer now: no need to wait for a writable event.
            return;
        }

        // Done: half-close, and the server must answer with its own end of file and nothing more.
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException e)
        {
            Abort($"shutdown: {e.SocketErrorCode}");
            return;
        }

        _phase = Phase.Closing;
        Watch(SelectorEvents.Read);
    }

    private void SendMessage()
    {
        // Bounded: each pass sends at least one byte of a message of at most SoakLoad.MaxMessage bytes, or returns.
        Span<byte> chunkBuffer = _load.SendBuffer;
        while (_sent < _messageEnd)
        {
            int chunk = _load.NextChunkSize((int)Math.Min(_messageEnd - _sent, chunkBuffer.Length));
            Span<byte> bytes = chunkBuffer[..chunk];
            _payload.Fill(bytes, _sent); // Regenerated from the position, so a partial send needs no copy kept.
            int sent = _socket.Send(bytes, SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                return; // Stay on Write: the rest goes when the server has read some.
            }

            if (error != SocketError.Success)
            {
                Abort($"send: {error}");
                return;
            }

            _sent += sent;
            _load.Tally.BytesSent += sent;
            LastProgress = Stopwatch.GetTimestamp();
            if (sent < chunk)
            {
                return; // The socket's buffer is full.
            }
        }

        Watch(SelectorEvents.Read);
    }

    private void ReceiveEcho()
    {
        Span<byte> buffer = _load.ReceiveBuffer;
        int received = _socket.Receive(buffer, SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock)
        {
            return; // Readiness is a hint.
        }

        if (error != SocketError.Success)
        {
            Abort($"receive: {error}");
            return;
        }

        if (received == 0)
        {
            Abort("the server closed before echoing everything");
            return;
        }

        // Bytes beyond what was sent were never sent: all of them count as corrupted.
        long beyond = Math.Max(0, _echoed + received - _sent);
        int checkable = received - (int)beyond;
        int mismatches = _payload.CountMismatches(buffer[..checkable], _echoed, _load.CompareBuffer);
        if (mismatches > 0 || beyond > 0)
        {
            _load.Tally.BytesCorrupted += mismatches + beyond;
            Abort($"corrupted echo: {mismatches} bytes differ and {beyond} extra at stream position {_echoed}");
            return;
        }

        _echoed += received;
        _load.Tally.BytesEchoed += received;
        LastProgress = Stopwatch.GetTimestamp();
        if (_echoed == _messageEnd)
        {
            _load.Tally.RoundTrips++;
            _roundTripsLeft--;
            NextMessageOrHalfClose();
        }
    }

    private void ReceiveEndOfFile()
    {
        Span<byte> buffer = _load.ReceiveBuffer;
        int received = _socket.Receive(buffer, SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock)
        {
            return;
        }

        if (error != SocketError.Success)
        {
            Abort($"receive after half-close: {error}");
        }
        else if (received > 0)
        {
            _load.Tally.BytesCorrupted += received;
            Abort($"{received} bytes after everything was echoed");
        }
        else
        {
            _load.Tally.Completed++;
            Close();
        }
    }

    private void Watch(SelectorEvents events)
    {
        if (events != _watching)
        {
            _load.Selector.Modify(_socket, events, this);
            _watching = events;
        }
    }

    private void Close()
    {
        // Unregister first: a closed descriptor's number can be reused at once by the next connection.
        _phase = Phase.Done;
        _load.Selector.Unregister(_socket);
        _socket.Dispose();
    }
}
