using System;
using System.Net.Sockets;
using System.Text;

namespace Selectors.Examples;

/// <summary>
/// One client of the chat example. The first line is the nickname; every later line is broadcast as <c>NAME: text</c>.
/// Output waits in a per-connection queue, and the interest includes Write only while that queue is not empty, so an
/// idle connection costs the loop nothing and a slow reader delays nobody but itself.
/// </summary>
/// <remarks>
/// Limits, so memory stays bounded whatever the clients do: a line longer than the cap is dropped (its bytes are
/// discarded up to the next newline) and its sender gets a <c>* line too long</c> notice; a connection whose queue
/// would pass the queue cap is disconnected, since it is not reading what the room says.
/// </remarks>
internal sealed class ChatConnection : Connection
{
    private const int ReceiveChunk = 4096;
    private const int MaxNameLength = 32;
    private readonly ChatRoom _room;
    private readonly int _maxLine;
    private readonly int _maxQueue;
    private readonly InputBuffer _input = new(ReceiveChunk);
    private string? _name;

    // "NAME: ", encoded once, in front of each line this client says.
    private byte[] _prefix = [];

    // Part of an over-long line was dropped: drop the rest of it too, up to its newline.
    private bool _discarding;

    /// <summary>Takes over an accepted socket and asks for a nickname.</summary>
    public ChatConnection(ServerLoop loop, Socket socket, ChatRoom room, int maxLine, int maxQueue)
        : base(loop, socket, SelectorEvents.Read)
    {
        _room = room;
        _maxLine = maxLine;
        _maxQueue = maxQueue;
        Notice("* nickname? (letters, digits, '-', '_', '.'; at most 32)");
    }

    /// <summary>Queues <paramref name="line"/> for this client.</summary>
    /// <returns>False when the queue would pass the cap: the caller then disconnects this client.</returns>
    public bool Deliver(ReadOnlySpan<byte> line)
    {
        if (IsClosed)
        {
            return true;
        }

        if (Output.Count + line.Length > _maxQueue)
        {
            return false;
        }

        if (Output.IsEmpty)
        {
            Watch(SelectorEvents.Read | SelectorEvents.Write);
        }

        Output.Enqueue(line);
        return true;
    }

    /// <inheritdoc />
    protected override void OnReadable()
    {
        if (Receive(_input, ReceiveChunk) == 0)
        {
            return;
        }

        // Bounded: every pass consumes a line or leaves the loop.
        while (!IsClosed)
        {
            ReadOnlySpan<byte> data = _input.Data;
            int newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (data.Length > _maxLine + 1)
                {
                    // Too long already, even if its last byte is the CR of a CRLF: do not keep buffering it.
                    _discarding = true;
                    _input.Clear();
                }

                return;
            }

            ReadOnlySpan<byte> line = data[..newline].TrimEnd((byte)'\r');
            bool tooLong = _discarding || line.Length > _maxLine;
            if (!tooLong)
            {
                OnLine(line);
            }

            _input.Consume(newline + 1);
            if (tooLong)
            {
                _discarding = false;
                Notice($"* line too long (more than {_maxLine} bytes); dropped");
            }
        }
    }

    /// <inheritdoc />
    protected override void OnWritable()
    {
        if (Flush() && Output.IsEmpty)
        {
            Watch(SelectorEvents.Read); // Nothing left to send: stop asking whether the socket is writable.
        }
    }

    /// <inheritdoc />
    protected override void OnClosed()
    {
        if (_name is not null)
        {
            _room.Leave(_name);
        }
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        if (_name is not null)
        {
            if (!line.IsEmpty)
            {
                _room.Broadcast(this, [.. _prefix, .. line, (byte)'\n']);
            }

            return;
        }

        string name = Encoding.UTF8.GetString(line).Trim();
        if (!IsValidName(name))
        {
            Notice("* not a valid nickname; try again");
        }
        else if (_room.IsTaken(name))
        {
            Notice($"* {name} is taken; try another");
        }
        else
        {
            _name = name;
            _prefix = Encoding.UTF8.GetBytes(name + ": ");
            Notice($"* welcome, {name} ({_room.Count} others here)");
            _room.Join(this, name);
            Loop.Log?.WriteLine($"join {Peer} {name}");
        }
    }

    private void Notice(string line)
    {
        if (!Deliver(Encoding.UTF8.GetBytes(line + "\n")))
        {
            Close("too slow: output queue full");
        }
    }

    // Letters and digits only (plus - _ .), so a name cannot forge a "* " notice or a "NAME: " prefix.
    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && name.AsSpan().IndexOfAnyExcept(NameChars) < 0;

    private static readonly System.Buffers.SearchValues<char> NameChars =
        System.Buffers.SearchValues.Create("-_.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}
