using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FluentAssertions;

namespace Selectors.Tests.Examples;

/// <summary>A plain blocking TCP client for the http, chat and echo tests: raw sends, line reads, reads to end of file; every read times out after 10 s.</summary>
internal sealed class LineClient : IDisposable
{
    private readonly Socket _socket;
    private readonly StreamReader _reader;

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>.</summary>
    public LineClient(int port)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        _socket.Connect(IPAddress.Loopback, port);
        _reader = new StreamReader(new NetworkStream(_socket, ownsSocket: false), new UTF8Encoding(false));
    }

    /// <summary>Sends <paramref name="text"/> as UTF-8, as is.</summary>
    public void Send(string text) => _socket.Send(Encoding.UTF8.GetBytes(text));

    /// <summary>The next line, without its newline; null at end of file.</summary>
    public string? ReadLine() => _reader.ReadLine();

    /// <summary>Exactly <paramref name="count"/> characters (a body without a newline).</summary>
    public string ReadExactly(int count)
    {
        var buffer = new char[count];
        _reader.ReadBlock(buffer, 0, count).Should().Be(count, "the server sends the whole body");
        return new string(buffer);
    }

    /// <summary>Everything until the server closes the connection (bounded by the read timeout and 16 MiB).</summary>
    public string ReadToEnd()
    {
        var text = new StringBuilder();
        var buffer = new char[4096];
        for (int n; text.Length < 16 * 1024 * 1024 && (n = _reader.Read(buffer)) > 0;)
        {
            text.Append(buffer, 0, n);
        }

        return text.ToString();
    }

    /// <summary>Whether the server closed the connection: the next read sees end of file (or a reset).</summary>
    public bool IsClosedByServer()
    {
        try
        {
            return _socket.Receive(new byte[1]) == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _socket.Dispose();
    }
}
