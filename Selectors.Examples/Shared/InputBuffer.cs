using System;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// Bytes received but not yet parsed: a request head or a line arrives in pieces, so a connection appends what
/// each receive brings and consumes from the front once a whole unit (ended by a delimiter) is there.
/// </summary>
internal sealed class InputBuffer
{
    private byte[] _buffer;
    private int _start;
    private int _end;

    /// <summary>Creates an empty buffer of <paramref name="capacity"/> bytes; it grows when a unit is longer.</summary>
    public InputBuffer(int capacity) => _buffer = new byte[capacity];

    /// <summary>The bytes received and not consumed yet.</summary>
    public ReadOnlySpan<byte> Data => _buffer.AsSpan(_start, _end - _start);

    /// <summary>How many bytes are buffered.</summary>
    public int Count => _end - _start;

    /// <summary>One non-blocking receive of up to <paramref name="chunk"/> bytes, appended to <see cref="Data"/>.</summary>
    /// <returns>The socket's error code; with <see cref="SocketError.Success"/>, <paramref name="received"/> 0 is end of file.</returns>
    public SocketError ReceiveFrom(Socket socket, int chunk, out int received)
    {
        if (_buffer.Length - _end < chunk)
        {
            MakeRoom(chunk);
        }

        received = socket.Receive(_buffer.AsSpan(_end, chunk), SocketFlags.None, out SocketError error);
        if (error == SocketError.Success)
        {
            _end += received;
        }

        return error;
    }

    /// <summary>Drops the first <paramref name="count"/> bytes (a unit that has been handled).</summary>
    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            (_start, _end) = (0, 0);
        }
    }

    /// <summary>Drops everything buffered.</summary>
    public void Clear() => (_start, _end) = (0, 0);

    private void MakeRoom(int extra)
    {
        byte[] target = Count + extra <= _buffer.Length ? _buffer : new byte[Math.Max(Count + extra, _buffer.Length * 2)];
        _buffer.AsSpan(_start, Count).CopyTo(target);
        (_buffer, _start, _end) = (target, 0, Count);
    }
}
