using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Selectors.Tests.Examples;

/// <summary>
/// A client that sends one fixed request at a time and waits, a bounded time, for the server's reply to show up: the
/// way to tell a connection the server serves from one still waiting in its listen backlog, which the kernel
/// completed but the server has not accepted. A late reply is not lost: the next wait picks it up.
/// </summary>
internal sealed class RoundTripClient : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly byte[] _request;
    private readonly string _reply;
    private readonly StringBuilder _received = new();
    private readonly byte[] _buffer = new byte[4096];

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> (the kernel completes the handshake even when the
    /// server does not accept); <paramref name="reply"/> is what each answer contains.</summary>
    public RoundTripClient(int port, string request, string reply)
    {
        _request = Encoding.ASCII.GetBytes(request);
        _reply = reply;
        _socket.SendTimeout = 10_000;
        _socket.Connect(IPAddress.Loopback, port);
    }

    /// <summary>Sends the request.</summary>
    public void Send() => _socket.Send(_request);

    /// <summary>Whether a reply (one not counted before) arrives within <paramref name="wait"/>; false too when the server closed.</summary>
    public bool AwaitReply(TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        // Bounded by the wait: each pass either finds the reply, or waits for what remains of it.
        while (true)
        {
            int at = _received.ToString().IndexOf(_reply, StringComparison.Ordinal);
            if (at >= 0)
            {
                _received.Remove(0, at + _reply.Length);
                return true;
            }

            TimeSpan left = wait - clock.Elapsed;
            if (left <= TimeSpan.Zero || !_socket.Poll((int)Math.Ceiling(left.TotalMicroseconds), SelectMode.SelectRead))
            {
                return false;
            }

            int n = _socket.Receive(_buffer, SocketFlags.None, out SocketError error);
            if (error != SocketError.Success || n == 0)
            {
                return false;
            }

            _received.Append(Encoding.ASCII.GetString(_buffer, 0, n));
        }
    }

    /// <summary>Sends the request and waits for its reply, at most <paramref name="wait"/>.</summary>
    public bool RoundTrip(TimeSpan wait)
    {
        Send();
        return AwaitReply(wait);
    }

    public void Dispose() => _socket.Dispose();
}
