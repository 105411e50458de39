using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mono.Unix;

namespace Selectors;

/// <summary>
/// A failed system call, Python's <c>OSError</c>: a <see cref="UnixIOException"/> (so code that catches that keeps
/// working) that names the call, the errno and the errno's name, e.g.
/// <c>epoll_ctl(EPOLL_CTL_ADD, fd 7) failed: EBADF (9): Bad file descriptor</c>.
/// </summary>
/// <remarks>
/// Read <see cref="Errno"/> (or <see cref="UnixIOException.NativeErrorCode"/>, the same number) and compare it with
/// <see cref="ErrorNumbers"/>, or read <see cref="ErrorName"/>. Do not read <see cref="UnixIOException.ErrorCode"/>:
/// Mono.Posix converts it through its native helper, libMonoPosixHelper, which does not exist on Apple Silicon, Alpine
/// (musl), FreeBSD or Windows on Arm. Nothing else here needs that helper.
/// </remarks>
public class UnixSystemCallException : UnixIOException
{
    /// <summary>An exception for <paramref name="systemCall"/> failing with <paramref name="errno"/> on this OS.</summary>
    /// <param name="systemCall">The call, with its interesting arguments, e.g. <c>epoll_ctl(EPOLL_CTL_ADD, fd 7)</c>.</param>
    /// <param name="errno">The errno it failed with (for a P/Invoke: <see cref="Marshal.GetLastPInvokeError"/>).</param>
    public UnixSystemCallException(string systemCall, int errno)
        : base($"{systemCall} failed: {ErrorNumbers.NameOf(errno)} ({errno}): {Marshal.GetPInvokeErrorMessage(errno)}")
    {
        SystemCall = systemCall;
        // The base keeps the number in a private field that only its helper-bound constructors set; setting it keeps
        // NativeErrorCode right for code that catches UnixIOException.
        NativeErrno(this) = errno;
    }

    /// <summary>The call that failed, with its interesting arguments, e.g. <c>epoll_ctl(EPOLL_CTL_ADD, fd 7)</c>.</summary>
    public string SystemCall { get; }

    /// <summary>The errno, this OS's number (compare with <see cref="ErrorNumbers"/>).</summary>
    public int Errno => NativeErrorCode;

    /// <summary>The errno's name on this OS, e.g. <c>"EBADF"</c>.</summary>
    public string ErrorName => ErrorNumbers.NameOf(Errno);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "errno")]
    private static extern ref int NativeErrno(UnixIOException exception);
}
