using System;

namespace Selectors.Epoll;

/// <summary>The epoll event bits, with the kernel's values (Python's <c>select.EPOLL*</c> constants).</summary>
[Flags]
public enum EpollEvents : uint
{
    /// <summary>No event.</summary>
    None = 0,

    /// <summary><c>EPOLLIN</c>: data (or a connection, or end of file) is available to read.</summary>
    In = 0x001,

    /// <summary><c>EPOLLPRI</c>: an exceptional condition, such as TCP out-of-band data.</summary>
    Pri = 0x002,

    /// <summary><c>EPOLLOUT</c>: writing will not block.</summary>
    Out = 0x004,

    /// <summary><c>EPOLLERR</c>: an error condition; always reported, need not be requested.</summary>
    Err = 0x008,

    /// <summary><c>EPOLLHUP</c>: hang-up; always reported, need not be requested.</summary>
    Hup = 0x010,

    /// <summary><c>EPOLLRDNORM</c>: normal data may be read.</summary>
    RdNorm = 0x040,

    /// <summary><c>EPOLLRDBAND</c>: priority data may be read.</summary>
    RdBand = 0x080,

    /// <summary><c>EPOLLWRNORM</c>: normal data may be written.</summary>
    WrNorm = 0x100,

    /// <summary><c>EPOLLWRBAND</c>: priority data may be written.</summary>
    WrBand = 0x200,

    /// <summary><c>EPOLLMSG</c>: unused by the kernel.</summary>
    Msg = 0x400,

    /// <summary><c>EPOLLRDHUP</c>: the stream socket's peer closed its end or shut down writing.</summary>
    RdHup = 0x2000,

    /// <summary><c>EPOLLEXCLUSIVE</c>: wake only one of several epoll instances waiting on the same file (register only).</summary>
    Exclusive = 1u << 28,

    /// <summary><c>EPOLLWAKEUP</c>: keep the system from suspending while the event is pending.</summary>
    WakeUp = 1u << 29,

    /// <summary><c>EPOLLONESHOT</c>: report the descriptor once, then disable it until <see cref="EpollInstance.Modify(int, EpollEvents)"/> re-arms it.</summary>
    OneShot = 1u << 30,

    /// <summary><c>EPOLLET</c>: edge-triggered; report a change of readiness once, not a state on every wait.</summary>
    EdgeTriggered = 1u << 31,
}
