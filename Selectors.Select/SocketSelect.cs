using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Threading;

namespace Selectors.Select;

/// <summary>
/// Python's <c>select.select(rlist, wlist, xlist, timeout)</c> over <see cref="Socket"/>s, built on
/// <see cref="Socket.Select(System.Collections.IList?, System.Collections.IList?, System.Collections.IList?, int)"/>
/// without its sharp edges: the caller's lists are never mutated, empty lists sleep for the timeout instead of
/// throwing, and timeouts longer than <c>Socket.Select</c> accepts are waited in chunks.
/// </summary>
public static class SocketSelect
{
    /// <summary>The longest single <c>Socket.Select</c> wait: <see cref="int.MaxValue"/> microseconds (about 35 minutes).</summary>
    public static readonly TimeSpan MaxSingleWait = TimeSpan.FromMicroseconds(int.MaxValue);

    /// <summary>
    /// On Unix, the longest single <c>Socket.Select</c> wait when a deadline is set: short enough that a signal storm
    /// (which makes System.Native restart poll() with the full slice) cannot hold a wait much past its deadline. A slice
    /// only ends when no signal arrives within it: 5 ms slices under a signal every 2 ms stretched Select(0.5) to 2 s;
    /// 1 ms slices finish between such signals.
    /// </summary>
    private const long UnixSliceMicroseconds = 1_000;

    /// <summary>Waits until some sockets are ready, as Python's <c>select.select</c>.</summary>
    /// <param name="read">Sockets to watch for reading; null means none.</param>
    /// <param name="write">Sockets to watch for writing; null means none.</param>
    /// <param name="error">Sockets to watch for exceptional conditions; null means none.</param>
    /// <param name="timeout">null or <see cref="Timeout.InfiniteTimeSpan"/> waits forever; zero polls; a positive value waits at least that long unless something is ready.</param>
    /// <returns>New lists of the ready sockets; the arguments are left as they were.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (and not infinite).</exception>
    /// <exception cref="ArgumentNullException">A list holds null.</exception>
    /// <exception cref="ObjectDisposedException">A socket is disposed.</exception>
    /// <exception cref="SocketException">The underlying wait failed.</exception>
    public static SocketSelectResult Select(IEnumerable<Socket>? read, IEnumerable<Socket>? write, IEnumerable<Socket>? error, TimeSpan? timeout = null)
    {
        long microseconds = ToMicroseconds(timeout);
        var readReady = Copy(read, nameof(read));
        var writeReady = Copy(write, nameof(write));
        var errorReady = Copy(error, nameof(error));
        SelectInPlace(readReady, writeReady, errorReady, microseconds);
        return new SocketSelectResult(readReady, writeReady, errorReady);
    }

    /// <summary>Python's <c>select.select</c> with the timeout in seconds.</summary>
    /// <param name="read">Sockets to watch for reading; null means none.</param>
    /// <param name="write">Sockets to watch for writing; null means none.</param>
    /// <param name="error">Sockets to watch for exceptional conditions; null means none.</param>
    /// <param name="timeoutSeconds">Seconds; positive infinity waits forever; rounded up to whole microseconds.</param>
    /// <exception cref="ArgumentException"><paramref name="timeoutSeconds"/> is NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeoutSeconds"/> is negative.</exception>
    /// <inheritdoc cref="Select(IEnumerable{Socket}?, IEnumerable{Socket}?, IEnumerable{Socket}?, TimeSpan?)" path="/exception" />
    public static SocketSelectResult Select(IEnumerable<Socket>? read, IEnumerable<Socket>? write, IEnumerable<Socket>? error, double timeoutSeconds)
    {
        if (double.IsNaN(timeoutSeconds))
        {
            throw new ArgumentException("The timeout is NaN (not a number).", nameof(timeoutSeconds));
        }

        if (timeoutSeconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timeoutSeconds), timeoutSeconds, "The timeout must be non-negative.");
        }

        TimeSpan? timeout = double.IsPositiveInfinity(timeoutSeconds) || timeoutSeconds * TimeSpan.TicksPerSecond >= TimeSpan.MaxValue.Ticks
            ? null
            : TimeSpan.FromTicks((long)Math.Ceiling(timeoutSeconds * TimeSpan.TicksPerSecond));
        return Select(read, write, error, timeout);
    }

    /// <summary>
    /// The engine under <see cref="Select(IEnumerable{Socket}?, IEnumerable{Socket}?, IEnumerable{Socket}?, TimeSpan?)"/>,
    /// for callers that reuse their lists: like <c>Socket.Select</c> it leaves only the ready sockets in each list, but
    /// it accepts empty lists (and sleeps), and waits of any length.
    /// </summary>
    /// <param name="read">Sockets to watch for reading; on return, the ready ones.</param>
    /// <param name="write">Sockets to watch for writing; on return, the ready ones.</param>
    /// <param name="error">Sockets to watch for exceptional conditions; on return, the ready ones.</param>
    /// <param name="timeoutMicroseconds">-1 waits forever, 0 polls, a positive value waits at least that many microseconds.</param>
    /// <returns>The number of ready entries over the three lists.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeoutMicroseconds"/> is below -1.</exception>
    /// <exception cref="ObjectDisposedException">A socket is disposed.</exception>
    /// <exception cref="SocketException">The underlying wait failed.</exception>
    public static int SelectInPlace(List<Socket> read, List<Socket> write, List<Socket> error, long timeoutMicroseconds)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutMicroseconds, -1);

        if (read.Count == 0 && write.Count == 0 && error.Count == 0)
        {
            Sleep(timeoutMicroseconds);
            return 0;
        }

        bool unix = !OperatingSystem.IsWindows();
        if (timeoutMicroseconds is -1 or 0 || (!unix && timeoutMicroseconds <= int.MaxValue))
        {
            // Forever or a poll: a restart after EINTR cannot stretch these. Windows has no EINTR.
            Socket.Select(read, write, error, (int)timeoutMicroseconds);
            return read.Count + write.Count + error.Count;
        }

        // On Unix, Socket.Select is poll() in System.Native, which (1) truncates the timeout to whole milliseconds, so
        // 999 us becomes a non-blocking poll, and (2) restarts poll() with the FULL timeout after EINTR, so a signal
        // every 10 ms keeps Select(0.5 s) blocked for as long as the signals last. So: round up to milliseconds, and
        // wait in short slices against one monotonic deadline, restoring the lists between slices. (Elsewhere slices are
        // only needed for waits longer than Socket.Select accepts.)
        long slice = unix ? UnixSliceMicroseconds : int.MaxValue;
        (Socket[] all, int readCount, int writeCount, int errorCount) = Remember(read, write, error);
        try
        {
            Deadline deadline = Deadline.AfterMicroseconds(timeoutMicroseconds);
            long remaining = timeoutMicroseconds;
            while (true)
            {
                long wait = Math.Min(remaining, slice);
                if (unix)
                {
                    wait = (wait + 999) / 1000 * 1000;
                }

                Socket.Select(read, write, error, (int)wait);
                int ready = read.Count + write.Count + error.Count;
                if (ready > 0 || remaining <= wait)
                {
                    return ready;
                }

                // Nothing was ready, so Socket.Select emptied the lists: refill them for the next slice.
                read.AddRange(all.AsSpan(0, readCount));
                write.AddRange(all.AsSpan(readCount, writeCount));
                error.AddRange(all.AsSpan(readCount + writeCount, errorCount));
                remaining = deadline.RemainingMicroseconds();
            }
        }
        finally
        {
            ArrayPool<Socket>.Shared.Return(all, clearArray: true);
        }
    }

    /// <summary>The three lists' sockets in one pooled array (read, then write, then error), to refill them between slices.</summary>
    private static (Socket[] All, int Read, int Write, int Error) Remember(List<Socket> read, List<Socket> write, List<Socket> error)
    {
        Socket[] all = ArrayPool<Socket>.Shared.Rent(read.Count + write.Count + error.Count);
        read.CopyTo(all, 0);
        write.CopyTo(all, read.Count);
        error.CopyTo(all, read.Count + write.Count);
        return (all, read.Count, write.Count, error.Count);
    }

    private static void Sleep(long microseconds)
    {
        if (microseconds < 0)
        {
            Thread.Sleep(Timeout.Infinite);
            return;
        }

        // Thread.Sleep takes whole milliseconds: round up, and sleep in chunks for the very long.
        Deadline deadline = Deadline.AfterMicroseconds(microseconds);
        for (int left = deadline.TimeoutUnits(TimeSpan.TicksPerMillisecond); left > 0; left = deadline.RemainingMilliseconds())
        {
            Thread.Sleep(Math.Min(left, int.MaxValue - 1));
        }
    }

    private static long ToMicroseconds(TimeSpan? timeout)
    {
        if (timeout is not { } span || span == Timeout.InfiniteTimeSpan)
        {
            return -1;
        }

        if (span < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), span, "The timeout must be non-negative, or infinite.");
        }

        return (span.Ticks + 9) / 10;
    }

    private static List<Socket> Copy(IEnumerable<Socket>? sockets, string paramName)
    {
        var copy = sockets is null ? new List<Socket>() : new List<Socket>(sockets);
        if (copy.Contains(null!))
        {
            throw new ArgumentNullException(paramName, "The list holds a null socket.");
        }

        return copy;
    }
}
