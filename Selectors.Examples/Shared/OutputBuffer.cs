using System;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// The bytes a connection has queued but the kernel has not taken yet: appended at the end, sent from the front,
/// whenever the socket is writable. One contiguous array, so a flush is one <c>send</c> however many messages wait.
/// </summary>
internal sealed class OutputBuffer
{
    // An idle connection should not keep a large burst's array alive; below this, keeping it saves reallocations.
    private const int KeepCapacity = 64 * 1024;
    private byte[] _buffer = [];
    private int _start;
    private int _end;

    /// <summary>How many bytes wait to be sent.</summary>
    public int Count => _end - _start;

    /// <summary>Whether nothing waits.</summary>
    public bool IsEmpty => _start == _end;

    /// <summary>The waiting bytes, oldest first; valid until the next <see cref="Enqueue"/> or <see cref="Consume"/>.</summary>
    public ReadOnlySpan<byte> Pending => _buffer.AsSpan(_start, Count);

    /// <summary>Appends a copy of <paramref name="bytes"/>.</summary>
    public void Enqueue(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _end < bytes.Length)
        {
            MakeRoom(bytes.Length);
        }

        bytes.CopyTo(_buffer.AsSpan(_end));
        _end += bytes.Length;
    }

    /// <summary>
    /// Sends from the front until everything is sent or the socket would block. Returns <see cref="SocketError.Success"/>
    /// in both cases (<see cref="IsEmpty"/> tells which), or the error that ended the connection.
    /// </summary>
    public SocketError SendTo(Socket socket, out int sent)
    {
        sent = 0;
        // Bounded: a partial send means the kernel's buffer is full, so the next try nearly always would block.
        for (int attempt = 0; attempt < 8 && !IsEmpty; attempt++)
        {
            int n = socket.Send(_buffer.AsSpan(_start, Count), SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock || (error == SocketError.Success && n == 0))
            {
                return SocketError.Success;
            }

            if (error != SocketError.Success)
            {
                return error;
            }

            Consume(n);
            sent += n;
        }

        return SocketError.Success;
    }

    /// <summary>Drops the first <paramref name="count"/> waiting bytes: the kernel took them.</summary>
    public void Consume(int count)
    {
        _start += count;
        if (IsEmpty)
        {
            (_start, _end) = (0, 0);
            if (_buffer.Length > KeepCapacity)
            {
                _buffer = [];
            }
        }
    }

    private void MakeRoom(int extra)
    {
        int needed = Count + extra;
        if (needed <= _buffer.Length / 2)
        {
            // Plenty of space, only at the front: slide the waiting bytes down instead of growing.
            _buffer.AsSpan(_start, Count).CopyTo(_buffer);
        }
        else
        {
            var bigger = new byte[Math.Max(needed, Math.Max(4096, _buffer.Length * 2))];
            _buffer.AsSpan(_start, Count).CopyTo(bigger);
            _buffer = bigger;
        }

        (_start, _end) = (0, Count);
    }
}
