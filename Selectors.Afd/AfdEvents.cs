using System;

namespace Selectors.Afd;

/// <summary>
/// The AFD driver's poll events (AFD_POLL_*), the Windows counterpart of epoll's flags. Combine them into an interest
/// for <see cref="AfdPollSet.Register"/>; <see cref="AfdPollSet.Wait"/> reports those that happened.
/// </summary>
[Flags]
public enum AfdEvents : uint
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Data can be received, or the peer's end of stream (with <see cref="Disconnect"/>). AFD_POLL_RECEIVE.</summary>
    Receive = 0x0001,

    /// <summary>Out-of-band data can be received. AFD_POLL_RECEIVE_EXPEDITED.</summary>
    ReceiveExpedited = 0x0002,

    /// <summary>Data can be sent, or a connect completed. AFD_POLL_SEND.</summary>
    Send = 0x0004,

    /// <summary>The peer shut its sending side (a FIN). AFD_POLL_DISCONNECT.</summary>
    Disconnect = 0x0008,

    /// <summary>The connection was reset or aborted. AFD_POLL_ABORT; also what a poll the driver failed reports.</summary>
    Abort = 0x0010,

    /// <summary>
    /// The socket was closed in this process. AFD_POLL_LOCAL_CLOSE: always polled for, never reported; the set forgets
    /// the socket instead, as epoll forgets a closed descriptor.
    /// </summary>
    LocalClose = 0x0020,

    /// <summary>A listening socket has a connection to accept. AFD_POLL_ACCEPT.</summary>
    Accept = 0x0080,

    /// <summary>A non-blocking connect failed. AFD_POLL_CONNECT_FAIL.</summary>
    ConnectFail = 0x0100,

    /// <summary>Every event above.</summary>
    All = Receive | ReceiveExpedited | Send | Disconnect | Abort | LocalClose | Accept | ConnectFail,
}
