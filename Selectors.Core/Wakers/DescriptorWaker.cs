using System;

namespace Selectors.Wakers;

/// <summary>
/// A waker that is a Unix descriptor the engine watches for reading (an eventfd, a pipe's read end), made readable by
/// <see cref="Waker.Wake"/>.
/// </summary>
internal abstract class DescriptorWaker : Waker
{
    // This OS's EAGAIN, which every drain ends with. Read when the first waker is made (an explicit static constructor
    // runs then, not lazily at the first drain), because a drain may come when the process is out of descriptors and
    // can't load the errno table's assembly any more.
    private static readonly int WouldBlock;

    static DescriptorWaker() => WouldBlock = ErrorNumbers.EAGAIN;

    /// <summary>The descriptor to watch for reading.</summary>
    internal abstract int Fd { get; }

    /// <summary>eventfd on Linux, a pipe on other Unix; the select and AFD engines make their own.</summary>
    internal static DescriptorWaker ForThisPlatform() => OperatingSystem.IsLinux() ? new EventFdWaker() : new PipeWaker();

    /// <summary>
    /// After a failed read or write of the wake descriptor: true to retry (EINTR), false when there was nothing to do
    /// (EAGAIN: already drained, or already signalled); anything else is a bug worth surfacing.
    /// </summary>
    /// <exception cref="UnixSystemCallException">Any other errno, naming <paramref name="call"/>.</exception>
    protected static bool RetryAfterFailure(string call)
    {
        int errno = Interop.LastErrno;
        return errno == Interop.EINTR || (errno != WouldBlock ? throw new UnixSystemCallException(call, errno) : false);
    }
}
