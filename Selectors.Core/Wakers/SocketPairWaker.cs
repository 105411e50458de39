using System.Net;
using System.Net.Sockets;

namespace Selectors.Wakers;

/// <summary>
/// The select backend's waker: Socket.Select watches sockets only, so a connected pair of loopback TCP sockets, as
/// Python's asyncio builds on Windows. Both ends are non-blocking; Nagle is off so the wake byte leaves at once.
/// </summary>
internal sealed class SocketPairWaker : Waker
{
    private readonly Socket _reader;
    private readonly Socket _writer;
    private readonly byte[] _drainBuffer = new byte[16];

    internal SocketPairWaker()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _writer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            _writer.Connect(listener.LocalEndPoint!);
            _reader = listener.Accept();
        }
        catch
        {
            _writer.Dispose();
            throw;
        }

        _reader.Blocking = false;
        _writer.Blocking = false;
    }

    /// <summary>The socket the select engine puts in its read list.</summary>
    internal Socket ReadSocket => _reader;

    protected override void Signal() => _writer.Send(stackalloc byte[1] { 1 }, SocketFlags.None, out SocketError _);

    protected override void Drain()
    {
        while (_reader.Receive(_drainBuffer, 0, _drainBuffer.Length, SocketFlags.None, out SocketError error) > 0 && error == SocketError.Success)
        {
        }
    }

    protected override void Release()
    {
        _reader.Dispose();
        _writer.Dispose();
    }
}
