namespace Selectors;

/// <summary>The operating-system mechanism behind a selector.</summary>
public enum SelectorBackend
{
    /// <summary>Linux epoll (<see cref="EpollSelector"/>).</summary>
    Epoll,

    /// <summary>poll(2), on any Unix (<see cref="PollSelector"/>).</summary>
    Poll,

    /// <summary><see cref="System.Net.Sockets.Socket.Select(System.Collections.IList?, System.Collections.IList?, System.Collections.IList?, int)"/>, everywhere, sockets only (<see cref="SelectSelector"/>).</summary>
    Select,

    /// <summary>The Windows AFD driver's poll, sockets only (<see cref="AfdSelector"/>); opt-in, never chosen by <see cref="DefaultSelector"/>.</summary>
    Afd,
}
