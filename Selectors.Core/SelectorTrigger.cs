using System;

namespace Selectors;

/// <summary>
/// How a registration reports readiness, beyond Python (which is level-triggered only). Epoll only: give it to
/// <see cref="EpollSelector"/>'s or <see cref="DefaultSelector"/>'s <c>Register</c>/<c>Modify</c> overloads; other
/// backends refuse anything but <see cref="Level"/> with <see cref="NotSupportedException"/>.
/// </summary>
/// <remarks>
/// <para><b>Level</b> (the default): reported by every Select while ready, as in Python.</para>
/// <para><b>Edge</b> (<c>EPOLLET</c>): reported once when it becomes ready, then not again until new readiness
/// arrives. The draining rule: after an edge-triggered read event, read (or accept) until the call would block
/// (<see cref="System.Net.Sockets.SocketError.WouldBlock"/>, EAGAIN); after a write event, write until it would
/// block or you run out of data. Stopping early leaves bytes that no later Select reports. Use non-blocking sockets.</para>
/// <para><b>OneShot</b> (<c>EPOLLONESHOT</c>): reported once, then disabled until re-armed by <c>Modify</c> (any
/// <c>Modify</c> of a one-shot registration re-arms it, even with the same events and data). This gives one thread
/// exclusive ownership of the event until it re-arms. <c>Edge | OneShot</c> combines both.</para>
/// </remarks>
[Flags]
public enum SelectorTrigger
{
    /// <summary>Reported by every Select while ready (Python's only mode).</summary>
    Level = 0,

    /// <summary>Reported once per new readiness (<c>EPOLLET</c>); drain until WouldBlock.</summary>
    Edge = 1,

    /// <summary>Reported once, then disabled until <c>Modify</c> re-arms it (<c>EPOLLONESHOT</c>).</summary>
    OneShot = 2,
}
