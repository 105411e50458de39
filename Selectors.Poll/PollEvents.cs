using System;

namespace Selectors.Poll;

/// <summary>
/// The poll(2) event flags (Python's <c>select.POLL*</c> constants), with Linux's values. <see cref="PollSet"/> translates
/// them to the running OS's bits: on macOS and FreeBSD, <see cref="WrNorm"/> is <see cref="Out"/> (reported as
/// <see cref="Out"/>) and <see cref="WrBand"/> is 0x100; neither has <see cref="Msg"/>, and macOS has no
/// <see cref="RdHup"/>. A flag the OS lacks is refused with <see cref="System.ArgumentException"/>.
/// </summary>
[Flags]
public enum PollEvents : short
{
    /// <summary>No event.</summary>
    None = 0,

    /// <summary><c>POLLIN</c>: data (or a connection, or end of file) is available to read.</summary>
    In = 0x001,

    /// <summary><c>POLLPRI</c>: an exceptional condition, such as TCP out-of-band data.</summary>
    Pri = 0x002,

    /// <summary><c>POLLOUT</c>: writing will not block.</summary>
    Out = 0x004,

    /// <summary><c>POLLERR</c>: an error condition; always reported, need not be requested.</summary>
    Err = 0x008,

    /// <summary><c>POLLHUP</c>: hang-up; always reported, need not be requested.</summary>
    Hup = 0x010,

    /// <summary><c>POLLNVAL</c>: the descriptor is not open; always reported.</summary>
    Nval = 0x020,

    /// <summary><c>POLLRDNORM</c>: normal data may be read.</summary>
    RdNorm = 0x040,

    /// <summary><c>POLLRDBAND</c>: priority data may be read.</summary>
    RdBand = 0x080,

    /// <summary><c>POLLWRNORM</c>: normal data may be written.</summary>
    WrNorm = 0x100,

    /// <summary><c>POLLWRBAND</c>: priority data may be written.</summary>
    WrBand = 0x200,

    /// <summary><c>POLLMSG</c>: unused on Linux; macOS and FreeBSD have none.</summary>
    Msg = 0x400,

    /// <summary><c>POLLRDHUP</c> (Linux; FreeBSD 13 and later): the stream socket's peer closed its end or shut down writing. macOS has none.</summary>
    RdHup = 0x2000,
}
