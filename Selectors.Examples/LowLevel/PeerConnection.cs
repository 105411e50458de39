using System;
using System.Net;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// One client of a low-level server (epoll, poll, select): its non-blocking socket, its unsent output, and one
/// receive or send at a time. Which of the two to do, and when, is the server's loop; this class only moves bytes.
/// </summary>
/// <remarks>
/// Input stops being wanted while <see cref="OutputLimit"/> bytes wait to be sent, so a client that sends without
/// reading is slowed by TCP flow control instead of growing the server's memory. End of file with output still waiting
/// (a client that half-closed and reads its last answers) ends the connection only once that output is sent.
/// </remarks>
internal sealed class PeerConnection : IDisposable
{
    /// <summary>How much waiting output stops reading.</summary>
    public const int OutputLimit = 64 * 1024;

    private readonly byte[] _receiveBuffer = new byte[16 * 1024];
    private readonly OutputBuffer _output = new();
    private readonly Protocol _protocol;
    private bool _inputEnded;

    /// <summary>Takes over an accepted, non-blocking socket.</summary>
    public PeerConnection(Socket socket, Protocol protocol)
    {
        Socket = socket;
        _protocol = protocol;
        Fd = (int)socket.Handle;
        Peer = socket.RemoteEndPoint as IPEndPoint;
    }

    /// <summary>The socket.</summary>
    public Socket Socket { get; }

    /// <summary>The descriptor, taken at accept time: the key of the server's table, as Python's <c>connections[fileno]</c>.</summary>
    public int Fd { get; }

    /// <summary>The client's address, taken at accept time (a reset socket can no longer tell it).</summary>
    public IPEndPoint? Peer { get; }

    /// <summary>Why the connection ended, once a call returned <see cref="IoResult.Closed"/>.</summary>
    public string ClosedReason { get; private set; } = "open";

    /// <summary>Whether the server should watch for readability.</summary>
    public bool WantsInput => !_inputEnded && _output.Count < OutputLimit;

    /// <summary>Whether the server should watch for writability.</summary>
    public bool HasOutput => _output.Count > 0;

    /// <summary>One receive; what arrives goes through the protocol into the output.</summary>
    public IoResult Receive()
    {
        // The error-code overloads: would-block and resets are ordinary events here, not exceptions.
        int received = Socket.Receive(_receiveBuffer, SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock)
        {
            return IoResult.WouldBlock;
        }

        if (error != SocketError.Success)
        {
            return End(SocketErrors.Describe(error));
        }

        if (received == 0)
        {
            _inputEnded = true;
            return HasOutput ? IoResult.Done : End("eof");
        }

        _protocol(_receiveBuffer.AsSpan(0, received), _output);
        return IoResult.Done;
    }

    /// <summary>One send of the waiting output; what the kernel does not take stays for the next.</summary>
    public IoResult Send()
    {
        int sent = Socket.Send(_output.Pending, SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock || (error == SocketError.Success && sent == 0))
        {
            return IoResult.WouldBlock;
        }

        if (error != SocketError.Success)
        {
            return End(SocketErrors.Describe(error));
        }

        _output.Consume(sent);
        return _inputEnded && !HasOutput ? End("eof") : IoResult.Done;
    }

    /// <summary>Closes the socket (the server unregisters it first: a closed descriptor's number can be reused at once).</summary>
    public void Dispose() => Socket.Dispose();

    private IoResult End(string reason)
    {
        ClosedReason = reason;
        return IoResult.Closed;
    }
}
