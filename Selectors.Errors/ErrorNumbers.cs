namespace Selectors;

/// <summary>
/// This OS's errno numbers, as Python's <c>errno</c> module: the values a <see cref="UnixSystemCallException"/> carries
/// differ between Unixes (EAGAIN is 11 on Linux, 35 on macOS and FreeBSD), so compare against these, or against
/// <see cref="UnixSystemCallException.ErrorName"/>, rather than against numbers. Linux's, macOS's and FreeBSD's come
/// from their own <c>&lt;errno.h&gt;</c>; any other OS gets Linux's.
/// </summary>
public static class ErrorNumbers
{
    /// <summary>Operation not permitted.</summary>
    public static readonly int EPERM = ErrnoTable.Current["EPERM"];

    /// <summary>No such file or directory.</summary>
    public static readonly int ENOENT = ErrnoTable.Current["ENOENT"];

    /// <summary>Interrupted system call: a signal arrived; the library retries it for you where Python does.</summary>
    public static readonly int EINTR = ErrnoTable.Current["EINTR"];

    /// <summary>Bad file descriptor: not open, or not open for this use.</summary>
    public static readonly int EBADF = ErrnoTable.Current["EBADF"];

    /// <summary>Resource temporarily unavailable (also EWOULDBLOCK): a non-blocking call would block.</summary>
    public static readonly int EAGAIN = ErrnoTable.Current["EAGAIN"];

    /// <summary>Out of memory (for epoll: too many watches for the kernel's memory).</summary>
    public static readonly int ENOMEM = ErrnoTable.Current["ENOMEM"];

    /// <summary>Permission denied.</summary>
    public static readonly int EACCES = ErrnoTable.Current["EACCES"];

    /// <summary>File exists (epoll: the descriptor is already registered).</summary>
    public static readonly int EEXIST = ErrnoTable.Current["EEXIST"];

    /// <summary>Invalid argument.</summary>
    public static readonly int EINVAL = ErrnoTable.Current["EINVAL"];

    /// <summary>The system-wide limit on open files was reached.</summary>
    public static readonly int ENFILE = ErrnoTable.Current["ENFILE"];

    /// <summary>The process's limit on open descriptors was reached.</summary>
    public static readonly int EMFILE = ErrnoTable.Current["EMFILE"];

    /// <summary>No space left (epoll: <c>max_user_watches</c> reached).</summary>
    public static readonly int ENOSPC = ErrnoTable.Current["ENOSPC"];

    /// <summary>Broken pipe: the reading end is closed.</summary>
    public static readonly int EPIPE = ErrnoTable.Current["EPIPE"];

    /// <summary>Function not implemented.</summary>
    public static readonly int ENOSYS = ErrnoTable.Current["ENOSYS"];

    /// <summary>Too many levels of links (epoll: watching would make a cycle of epoll instances).</summary>
    public static readonly int ELOOP = ErrnoTable.Current["ELOOP"];

    /// <summary>Not a socket.</summary>
    public static readonly int ENOTSOCK = ErrnoTable.Current["ENOTSOCK"];

    /// <summary>A non-blocking connect is under way.</summary>
    public static readonly int EINPROGRESS = ErrnoTable.Current["EINPROGRESS"];

    /// <summary>Connection reset by peer.</summary>
    public static readonly int ECONNRESET = ErrnoTable.Current["ECONNRESET"];

    /// <summary>Connection refused.</summary>
    public static readonly int ECONNREFUSED = ErrnoTable.Current["ECONNREFUSED"];

    /// <summary>The socket is not connected.</summary>
    public static readonly int ENOTCONN = ErrnoTable.Current["ENOTCONN"];

    /// <summary>Connection timed out.</summary>
    public static readonly int ETIMEDOUT = ErrnoTable.Current["ETIMEDOUT"];

    /// <summary>Address already in use.</summary>
    public static readonly int EADDRINUSE = ErrnoTable.Current["EADDRINUSE"];

    /// <summary>The name of errno <paramref name="errno"/> on this OS (<c>"EBADF"</c>), or <c>"errno N"</c> for one it lacks; Python's <c>errno.errorcode</c>.</summary>
    public static string NameOf(int errno) => ErrnoTable.Current.NameOf(errno);
}
