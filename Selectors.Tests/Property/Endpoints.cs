using System;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Selectors.Tests.Support;

namespace Selectors.Tests.Property;

internal enum EndpointKind
{
    UnixSocket,
    TcpSocket,
    PipeRead,
    PipeWrite,
}

/// <summary>
/// The real descriptors a sequence runs on: a Unix socket pair (U0, U1), a TCP pair on 127.0.0.1 (T0 accepted, T1
/// client) and, except for select, a pipe (R read end given as a SafeHandle, W write end given as a bare number), so
/// three of the four file-object forms are exercised. Endpoint i's peer is i ^ 1. Everything is non-blocking, so a
/// read the model got wrong fails instead of hanging. Disposing closes each descriptor exactly once.
/// </summary>
internal sealed class Endpoints : IDisposable
{
    internal const int SocketCount = 4;
    internal const int AllCount = 6;

    private static readonly string[] s_names = { "U0", "U1", "T0", "T1", "R", "W" };

    private readonly Socket[] _sockets;
    private readonly SafeFileHandle? _pipeRead;
    private readonly int _pipeWrite = -1;
    private bool _pipeWriteClosed;

    internal Endpoints(bool withPipe)
    {
        var (u0, u1) = Peers.SocketPair();
        Socket t0, t1;
        try
        {
            (t0, t1) = Peers.TcpPair();
        }
        catch
        {
            u0.Dispose();
            u1.Dispose();
            throw;
        }

        _sockets = new[] { u0, u1, t0, t1 };
        foreach (Socket socket in _sockets)
        {
            socket.Blocking = false;
        }

        // Nagle would hold a second small write back until the first is acknowledged.
        t0.NoDelay = true;
        t1.NoDelay = true;

        Count = SocketCount;
        if (withPipe)
        {
            var (read, write) = Peers.Pipe();
            _pipeRead = new SafeFileHandle(read, ownsHandle: true);
            _pipeWrite = write;
            Peers.SetNonBlocking(read);
            Peers.SetNonBlocking(write);
            Count = AllCount;
        }

        FileObjects = new object[Count];
        Fds = new int[Count];
        for (int e = 0; e < Count; e++)
        {
            // One object per endpoint, kept: the map must hand back the very object that was registered.
            FileObjects[e] = e switch
            {
                < SocketCount => _sockets[e],
                4 => _pipeRead!,
                _ => (object)_pipeWrite,
            };
            Fds[e] = e switch
            {
                < SocketCount => checked((int)_sockets[e].Handle),
                4 => checked((int)_pipeRead!.DangerousGetHandle()),
                _ => _pipeWrite,
            };
        }
    }

    internal int Count { get; }

    /// <summary>The object each endpoint is registered as.</summary>
    internal object[] FileObjects { get; }

    /// <summary>Each endpoint's descriptor number, taken while open (the map stays keyed by it).</summary>
    internal int[] Fds { get; }

    internal static string Name(int e) => e >= 0 && e < s_names.Length ? s_names[e] : $"#{e}";

    internal static int Peer(int e) => e ^ 1;

    internal static EndpointKind Kind(int e) => e switch
    {
        0 or 1 => EndpointKind.UnixSocket,
        2 or 3 => EndpointKind.TcpSocket,
        4 => EndpointKind.PipeRead,
        _ => EndpointKind.PipeWrite,
    };

    internal static bool IsSocket(int e) => e < SocketCount;

    /// <summary>Whether the endpoint is given as a bare descriptor number.</summary>
    internal static bool IsNumber(int e) => e == 5;

    internal Socket Socket(int e) => _sockets[e];

    internal int Write(int e, int count)
    {
        var bytes = new byte[count];
        if (IsSocket(e))
        {
            return _sockets[e].Send(bytes);
        }

        Peers.Write(_pipeWrite, count);
        return count;
    }

    internal int Read(int e, int count) =>
        IsSocket(e) ? _sockets[e].Receive(new byte[count]) : checked((int)Peers.Read(Fds[e], count));

    internal void Close(int e)
    {
        switch (e)
        {
            case < SocketCount:
                _sockets[e].Dispose();
                break;
            case 4:
                _pipeRead!.Dispose();
                break;
            default:
                ClosePipeWrite();
                break;
        }
    }

    /// <summary>
    /// Waits (bounded) until what a TCP step sent has reached endpoint <paramref name="e"/>: loopback delivers within the
    /// send or close call in practice, but nothing promises it, and the model assumes it.
    /// </summary>
    internal void Settle(int e)
    {
        if (Kind(e) == EndpointKind.TcpSocket && !_sockets[e].Poll(TimeSpan.FromSeconds(2), SelectMode.SelectRead))
        {
            throw new TimeoutException($"{Name(e)}: loopback TCP did not deliver within 2 s");
        }
    }

    public void Dispose()
    {
        foreach (Socket socket in _sockets)
        {
            socket.Dispose();
        }

        _pipeRead?.Dispose();
        ClosePipeWrite();
    }

    private void ClosePipeWrite()
    {
        // A bare number closed twice could close a descriptor another test has been given since.
        if (_pipeWrite >= 0 && !_pipeWriteClosed)
        {
            _pipeWriteClosed = true;
            Peers.Close(_pipeWrite);
        }
    }
}
