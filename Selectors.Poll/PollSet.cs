using System;
using System.Collections.Generic;
using System.Threading;

namespace Selectors.Poll;

/// <summary>
/// A set of descriptors watched with poll(2), shaped like Python's <c>select.poll</c>. The <c>struct pollfd</c> array
/// is kept between calls and edited in place, so a wait allocates nothing in steady state. No kernel object exists:
/// registering a bad descriptor succeeds, and poll reports it with <see cref="PollEvents.Nval"/>.
/// </summary>
/// <remarks>Not thread-safe. Like Python, a second concurrent <c>Poll</c> fails instead of racing the first.</remarks>
public sealed class PollSet
{
    /// <summary>The mask Python's <c>poll.register</c> uses when none is given: IN | PRI | OUT.</summary>
    public const PollEvents DefaultEvents = PollEvents.In | PollEvents.Pri | PollEvents.Out;

    private static readonly PollEventBits Bits = PollEventBits.Current;

    private readonly Dictionary<int, int> _indexByFd = new();
    private Interop.PollFd[] _fds = new Interop.PollFd[8];
    private int _count;
    private int _polling;
    private int _scanStart;

    /// <summary>Creates an empty set (Python's <c>select.poll()</c>).</summary>
    public PollSet()
    {
    }

    /// <summary>How many descriptors are registered.</summary>
    public int Count => _count;

    /// <summary>Whether <paramref name="fd"/> is registered.</summary>
    public bool Contains(int fd) => _indexByFd.ContainsKey(fd);

    /// <summary>
    /// Watches <paramref name="fd"/> for <paramref name="events"/>; registering a registered descriptor changes its mask,
    /// as in Python.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fd"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="events"/> has a flag this OS's poll lacks (e.g. <see cref="PollEvents.RdHup"/> on macOS), or a bit that is no flag.</exception>
    public void Register(int fd, PollEvents events = DefaultEvents)
    {
        ValidateFd(fd);
        short native = Bits.ToNative(events, nameof(events));
        if (_indexByFd.TryGetValue(fd, out int index))
        {
            _fds[index].Events = native;
            return;
        }

        if (_count == _fds.Length)
        {
            Array.Resize(ref _fds, _fds.Length * 2);
        }

        _fds[_count] = new Interop.PollFd { Fd = fd, Events = native };
        _indexByFd.Add(fd, _count);
        _count++;
    }

    /// <summary>Changes the mask of a registered descriptor.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fd"/> is negative.</exception>
    /// <exception cref="KeyNotFoundException"><paramref name="fd"/> is not registered (Python: <c>FileNotFoundError</c>).</exception>
    /// <exception cref="ArgumentException"><paramref name="events"/> has a flag this OS's poll lacks, or a bit that is no flag.</exception>
    public void Modify(int fd, PollEvents events)
    {
        ValidateFd(fd);
        short native = Bits.ToNative(events, nameof(events));
        _fds[IndexOf(fd)].Events = native;
    }

    /// <summary>Stops watching <paramref name="fd"/>. Never touches the descriptor, so it may already be closed.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fd"/> is negative.</exception>
    /// <exception cref="KeyNotFoundException"><paramref name="fd"/> is not registered (Python: <c>KeyError</c>).</exception>
    public void Unregister(int fd)
    {
        ValidateFd(fd);
        int index = IndexOf(fd);
        int last = _count - 1;
        if (index != last)
        {
            // Order is not part of poll's contract; moving the last entry keeps removal O(1).
            _fds[index] = _fds[last];
            _indexByFd[_fds[index].Fd] = index;
        }

        _fds[last] = default;
        _indexByFd.Remove(fd);
        _count = last;
    }

    /// <summary>Waits and writes the ready descriptors into <paramref name="results"/>, allocating nothing.</summary>
    /// <param name="results">Where the ready descriptors go; when more are ready, the rest are reported by the next call.</param>
    /// <param name="timeoutMilliseconds">-1 (or any negative value) waits forever, 0 polls, a positive value waits at most that long.</param>
    /// <returns>How many entries of <paramref name="results"/> were filled; 0 on timeout.</returns>
    /// <exception cref="ArgumentException"><paramref name="results"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">Another thread is polling this set.</exception>
    /// <exception cref="UnixSystemCallException">poll failed (ENOMEM, EINVAL).</exception>
    public int Poll(Span<PollResult> results, int timeoutMilliseconds)
    {
        if (results.IsEmpty)
        {
            throw new ArgumentException("The result buffer must hold at least one entry.", nameof(results));
        }

        if (Interlocked.Exchange(ref _polling, 1) != 0)
        {
            throw new InvalidOperationException("Concurrent Poll() invocation on one PollSet.");
        }

        try
        {
            int ready;
            unsafe
            {
                fixed (Interop.PollFd* fds = _fds)
                {
                    var wait = new PollCall(fds, _count);
                    ready = InterruptibleWait.Run(ref wait, timeoutMilliseconds < 0 ? -1 : timeoutMilliseconds, "poll");
                }
            }

            // Scan from where the previous call stopped when its buffer was too short, so that descriptors late in the
            // array are not starved by a short buffer; when everything fitted, start again from the beginning.
            int filled = 0;
            int start = _scanStart < _count ? _scanStart : 0;
            int next = 0;
            for (int n = 0; n < _count && filled < ready && filled < results.Length; n++)
            {
                int i = start + n < _count ? start + n : start + n - _count;
                short revents = _fds[i].REvents;
                if (revents != 0)
                {
                    results[filled++] = new PollResult(_fds[i].Fd, Bits.FromNative(revents));
                    next = i + 1;
                }
            }

            _scanStart = filled < ready ? next : 0;
            return filled;
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    /// <summary>Python's <c>poll.poll(timeout)</c>: waits and returns every ready (descriptor, revents) pair.</summary>
    /// <param name="timeoutMilliseconds">-1 (or any negative value) waits forever, 0 polls, a positive value waits at most that long.</param>
    /// <inheritdoc cref="Poll(Span{PollResult}, int)" path="/exception" />
    public IReadOnlyList<(int Fd, PollEvents Events)> Poll(int timeoutMilliseconds = -1)
    {
        Span<PollResult> ready = _count <= 256 ? stackalloc PollResult[Math.Max(_count, 1)] : new PollResult[_count];
        int count = Poll(ready, timeoutMilliseconds);
        var result = new (int Fd, PollEvents Events)[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = (ready[i].Fd, ready[i].Events);
        }

        return result;
    }

    private int IndexOf(int fd) =>
        _indexByFd.TryGetValue(fd, out int index) ? index : throw new KeyNotFoundException($"fd {fd} is not registered.");

    private static void ValidateFd(int fd)
    {
        if (fd < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fd), fd, "A file descriptor cannot be negative.");
        }
    }

    private readonly unsafe struct PollCall(Interop.PollFd* fds, int count) : IInterruptibleWait
    {
        public int WaitOnce(int timeoutMilliseconds) => Interop.Poll(fds, (nuint)count, timeoutMilliseconds);
    }
}
