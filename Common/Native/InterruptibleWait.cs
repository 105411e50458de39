using System;
using Selectors;

/// <summary>A blocking system call that takes a timeout in milliseconds (-1: forever) and may fail with EINTR.</summary>
internal interface IInterruptibleWait
{
    /// <summary>Makes the call once; returns its result, -1 with errno set on failure.</summary>
    int WaitOnce(int timeoutMilliseconds);
}

/// <summary>
/// PEP 475 for the project's own waits: epoll_wait and poll are never restarted by the kernel after a signal
/// (signal(7)), so EINTR is retried here with the time that remains until the original monotonic deadline.
/// When the deadline has passed, the wait reports nothing ready without asking the kernel again, as CPython does.
/// </summary>
internal static class InterruptibleWait
{
    /// <summary>Runs <paramref name="wait"/> until it succeeds, fails with an error other than EINTR, or its time is up.</summary>
    /// <returns>The call's non-negative result, or 0 when the deadline passed during interruptions.</returns>
    internal static int Run<TWait>(ref TWait wait, int timeoutMilliseconds, string call)
        where TWait : struct, IInterruptibleWait
    {
        Deadline deadline = Deadline.AfterMilliseconds(timeoutMilliseconds);
        int remaining = timeoutMilliseconds;
        while (true)
        {
            int result = wait.WaitOnce(remaining);
            if (result >= 0)
            {
                return result;
            }

            int errno = Interop.LastErrno;
            if (errno != Interop.EINTR)
            {
                throw new UnixSystemCallException(call, errno);
            }

            // One clock read: a positive timeout with nothing left has run out; a poll (0) is retried, as Python does.
            remaining = deadline.RemainingMilliseconds();
            if (remaining == 0 && deadline.TimeoutTicks > 0)
            {
                return 0;
            }
        }
    }

    /// <summary>
    /// Python's conversion of a timeout in seconds to a poll-style millisecond timeout: negative or infinite blocks (-1),
    /// a positive value is rounded up so a tiny timeout never becomes a non-blocking poll.
    /// </summary>
    /// <exception cref="ArgumentException">The timeout is NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is longer than <see cref="int.MaxValue"/> milliseconds.</exception>
    internal static int SecondsToMilliseconds(double timeoutSeconds, string paramName)
    {
        if (double.IsNaN(timeoutSeconds))
        {
            throw new ArgumentException("The timeout is NaN (not a number).", paramName);
        }

        if (timeoutSeconds < 0 || double.IsPositiveInfinity(timeoutSeconds))
        {
            return -1;
        }

        double milliseconds = Math.Ceiling(timeoutSeconds * 1000.0);
        return milliseconds <= int.MaxValue
            ? (int)milliseconds
            : throw new ArgumentOutOfRangeException(paramName, timeoutSeconds, "The timeout is too large: at most int.MaxValue milliseconds.");
    }
}
