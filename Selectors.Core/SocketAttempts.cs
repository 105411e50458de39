using System;
using System.Net.Sockets;

namespace Selectors;

/// <summary>
/// One non-blocking try of each socket call the loop's awaitables make (asyncio's <c>_sock_recv</c>,
/// <c>_sock_sendall</c>, <c>_sock_connect_cb</c>, <c>_sock_accept</c>): each says whether it finished (with a
/// result or an error) or would block. Used for the first try and for every retry on readiness.
/// </summary>
internal static class SocketAttempts
{
    /// <summary>Receives into <paramref name="buffer"/>; false when it would block.</summary>
    internal static bool Receive(Socket socket, Memory<byte> buffer, out int received, out SocketException? error)
    {
        received = socket.Receive(buffer.Span, SocketFlags.None, out SocketError code);
        return Finished(code, out error);
    }

    /// <summary>Sends what is left of <paramref name="data"/>, as much as the socket takes, shrinking it; false when it
    /// would block with some left.</summary>
    internal static bool SendAll(Socket socket, ref ReadOnlyMemory<byte> data, out SocketException? error)
    {
        while (!data.IsEmpty)
        {
            int sent = socket.Send(data.Span, SocketFlags.None, out SocketError code);
            if (code != SocketError.Success)
            {
                return Finished(code, out error);
            }

            data = data[sent..];
        }

        error = null;
        return true;
    }

    /// <summary>Accepts a connection, made non-blocking; false when none is pending.</summary>
    internal static bool Accept(Socket listener, out Socket? accepted, out SocketException? error)
    {
        accepted = null;
        error = null;
        try
        {
            accepted = listener.Accept();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
        {
            return false;
        }
        catch (SocketException e)
        {
            error = e;
            return true;
        }

        accepted.Blocking = false;
        return true;
    }

    /// <summary>Starts a non-blocking connect; false when it is in progress (wait until writable, then
    /// <see cref="ConnectResult"/>).</summary>
    internal static bool StartConnect(Socket socket, System.Net.EndPoint remoteEndPoint, out SocketException? error)
    {
        error = null;
        try
        {
            socket.Connect(remoteEndPoint);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            return false;
        }
        catch (SocketException e)
        {
            error = e;
            return true;
        }
    }

    /// <summary>The outcome of a connect in progress once the socket is writable: SO_ERROR, null when it is 0.</summary>
    internal static SocketException? ConnectResult(Socket socket)
    {
        int code = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
        return code == 0 ? null : new SocketException(code);
    }

    private static bool Finished(SocketError code, out SocketException? error)
    {
        error = code is SocketError.Success or SocketError.WouldBlock ? null : new SocketException((int)code);
        return code != SocketError.WouldBlock;
    }
}
