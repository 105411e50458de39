using System;

namespace Selectors.Examples;

/// <summary>
/// The bytes a connection still has to send. A send may take only part of them (the client's window is full), so
/// the rest stays here, in order, until the socket is writable again.
/// </summary>
internal sealed class OutputBuffer
{
    private byte[] _bytes = new byte[4096];
    private int _start;
    private int _end;

    /// <summary>How many bytes wait to be sent.</summary>
    public int Count => _end - _start;

    /// <summary>The waiting bytes, oldest first; valid until the next <see cref="Append"/> or <see cref="Consume"/>.</summary>
    public ReadOnlySpan<byte> Pending => _bytes.AsSpan(_start, Count);

    /// <summary>Queues <paramref name="data"/> after what is already waiting.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_bytes.Length - _end < data.Length)
        {
            // Move the waiting bytes to the front, into a larger array only if they still would not fit.
            byte[] target = Count + data.Length <= _bytes.Length ? _bytes : new byte[Math.Max(_bytes.Length * 2, Count + data.Length)];
            Pending.CopyTo(target);
            (_bytes, _end, _start) = (target, Count, 0);
        }

        data.CopyTo(_bytes.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>Drops the first <paramref name="count"/> waiting bytes: they were sent.</summary>
    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }
}
