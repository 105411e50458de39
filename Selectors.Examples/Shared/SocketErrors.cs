using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>Short words for the socket errors that end a connection, for the <c>--verbose</c> log of every server.</summary>
internal static class SocketErrors
{
    /// <summary>A word for <paramref name="error"/>: <c>reset</c>, <c>aborted</c>, <c>broken pipe</c>, or <c>error: NAME</c>.</summary>
    public static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionReset => "reset",
        SocketError.ConnectionAborted => "aborted",
        SocketError.Shutdown => "broken pipe",
        _ => $"error: {error}",
    };
}
