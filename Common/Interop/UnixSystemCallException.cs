using Mono.Unix;
using Mono.Unix.Native;

/// <summary>
/// A failed system call: a <see cref="UnixIOException"/> (so callers catch that and read
/// <see cref="UnixIOException.ErrorCode"/>, as Python code reads <c>OSError.errno</c>) whose message also names the call.
/// </summary>
internal sealed class UnixSystemCallException : UnixIOException
{
    internal UnixSystemCallException(string call, Errno errno) : base(errno) => SystemCall = call;

    /// <summary>The call that failed, with its interesting arguments, e.g. <c>epoll_ctl(EPOLL_CTL_ADD, fd 7)</c>.</summary>
    internal string SystemCall { get; }

    /// <inheritdoc />
    public override string Message => $"{SystemCall} failed: {base.Message}";
}
