using System;
using System.Collections.Generic;

namespace Selectors;

/// <summary>
/// Python's <c>selectors.BaseSelector</c>: watches file objects for readiness and hands back the caller's
/// <see cref="SelectorKey"/> for each ready one, for a loop the caller writes.
/// </summary>
/// <remarks>
/// <para>A file object is an <see cref="int"/> descriptor, a <see cref="System.Net.Sockets.Socket"/>, a
/// <see cref="System.Runtime.InteropServices.SafeHandle"/> or an <see cref="IFileObject"/>. A closed one that is still
/// registered is found by reference, so it can be unregistered after closing; but unregister before you close:
/// a closed descriptor's number can be reused by the next open file. A closed registered Socket is never reported; a
/// registered SafeHandle is kept open until it is unregistered (docs/reliability.md).</para>
/// <para>Readiness is level-triggered and a hint: a ready socket may still return EAGAIN, so use non-blocking I/O.
/// A hang-up or an error is reported as both <see cref="SelectorEvents.Read"/> and <see cref="SelectorEvents.Write"/>,
/// masked by what the key asked for, so the next read or write sees it.</para>
/// <para>A call that throws leaves the selector as it was. After <see cref="Close"/> every member but Close and
/// Dispose throws <see cref="ObjectDisposedException"/>.</para>
/// <para>Threads: one thread selects at a time (a concurrent Select throws <see cref="InvalidOperationException"/>).
/// On the library's selectors, Register, Modify, Unregister, GetKey, Close and <see cref="Wakeup"/> may be
/// called from any thread, and a change takes effect in a Select already blocked; Close makes it return.</para>
/// </remarks>
public interface ISelector : IDisposable
{
    /// <summary>The OS mechanism this selector uses.</summary>
    SelectorBackend Backend { get; }

    /// <summary>Starts watching <paramref name="fileObject"/> (Python's <c>register</c>).</summary>
    /// <param name="fileObject">The object to watch.</param>
    /// <param name="events"><see cref="SelectorEvents.Read"/>, <see cref="SelectorEvents.Write"/> or both.</param>
    /// <param name="data">Anything; it comes back in the key, typically a callback.</param>
    /// <returns>The new key.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="events"/> is empty or has other bits; the descriptor is negative.</exception>
    /// <exception cref="ArgumentException">The object yields no descriptor, or its descriptor is already registered.</exception>
    /// <exception cref="UnixSystemCallException">epoll refused it (a regular file: EPERM; a closed descriptor: EBADF).</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The select backend was given a descriptor that is not a socket.</exception>
    /// <exception cref="ObjectDisposedException">The selector is closed.</exception>
    SelectorKey Register(object fileObject, SelectorEvents events, object? data = null);

    /// <summary>Stops watching <paramref name="fileObject"/>; succeeds even if it was closed meanwhile (Python's <c>unregister</c>).</summary>
    /// <returns>The key that was registered.</returns>
    /// <exception cref="KeyNotFoundException">It is not registered.</exception>
    /// <exception cref="ArgumentException">The object yields no descriptor and is not registered by reference.</exception>
    /// <exception cref="ObjectDisposedException">The selector is closed.</exception>
    SelectorKey Unregister(object fileObject);

    /// <summary>
    /// Changes the events or data of a registration (Python's <c>modify</c>). Same events and equal data return the
    /// same key; a data-only change makes no system call; omitted data means null, as in Python.
    /// </summary>
    /// <returns>The key now registered.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="events"/> is empty or has other bits.</exception>
    /// <exception cref="KeyNotFoundException">It is not registered.</exception>
    /// <exception cref="ArgumentException">The object yields no descriptor and is not registered by reference.</exception>
    /// <exception cref="UnixSystemCallException">epoll refused the change; the old registration stays.</exception>
    /// <exception cref="ObjectDisposedException">The selector is closed.</exception>
    SelectorKey Modify(object fileObject, SelectorEvents events, object? data = null);

    /// <summary>Waits until some registered file objects are ready, or the timeout passes (Python's <c>select</c>).</summary>
    /// <param name="timeout">null or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits until something is ready;
    /// zero or any other negative value polls; a positive value waits at least that long (rounded up to the backend's
    /// resolution) unless something is ready.</param>
    /// <returns>One entry per ready file object: its key, and the ready events masked by the key's events. Empty on timeout.</returns>
    /// <exception cref="UnixSystemCallException">The wait failed (epoll, poll).</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The wait failed (select).</exception>
    /// <exception cref="ObjectDisposedException">The selector is closed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is already in Select on this selector.</exception>
    IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> Select(TimeSpan? timeout = null);

    /// <summary>Python's <c>select(timeout)</c> in seconds: positive infinity blocks, zero or negative polls.</summary>
    /// <param name="timeoutSeconds">The timeout in seconds.</param>
    /// <exception cref="ArgumentException"><paramref name="timeoutSeconds"/> is NaN.</exception>
    /// <inheritdoc cref="Select(TimeSpan?)" path="/returns" />
    IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> Select(double timeoutSeconds);

    /// <summary>
    /// The zero-allocation select: waits as <see cref="Select(TimeSpan?)"/> does, then writes the ready keys into
    /// <paramref name="ready"/> instead of a new list. Nothing is allocated per call in steady state.
    /// </summary>
    /// <param name="ready">Where the (key, events) entries go. When more are ready than it holds, the next call hands
    /// out the rest first, without waiting, dropping those whose key was unregistered or modified meanwhile; so a buffer
    /// smaller than the registrations loses nothing and never reports a key that is gone.</param>
    /// <param name="timeout">As in <see cref="Select(TimeSpan?)"/>.</param>
    /// <returns>How many entries of <paramref name="ready"/> were filled; 0 on timeout.</returns>
    /// <exception cref="ArgumentException"><paramref name="ready"/> is empty.</exception>
    /// <exception cref="UnixSystemCallException">The wait failed (epoll, poll).</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The wait failed (select).</exception>
    /// <exception cref="ObjectDisposedException">The selector is closed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is in Select on this selector.</exception>
    int Select(Span<(SelectorKey Key, SelectorEvents Events)> ready, TimeSpan? timeout = null);

    /// <summary>The zero-allocation select with the timeout in seconds, as <see cref="Select(double)"/>.</summary>
    /// <param name="ready">Where the (key, events) entries go.</param>
    /// <param name="timeoutSeconds">As in <see cref="Select(double)"/>.</param>
    /// <returns>How many entries of <paramref name="ready"/> were filled; 0 on timeout.</returns>
    /// <exception cref="ArgumentException"><paramref name="ready"/> is empty, or <paramref name="timeoutSeconds"/> is NaN.</exception>
    int Select(Span<(SelectorKey Key, SelectorEvents Events)> ready, double timeoutSeconds);

    /// <summary>
    /// Makes a <c>Select</c> blocked on another thread return at once; called when no Select is in progress, it makes
    /// the next one return at once (it is never lost). Thread-safe, and cheap: wakeups coalesce, so however many arrive
    /// before the selector wakes, the OS sees one write (an eventfd on Linux, a pipe on other Unix, a loopback socket
    /// pair for the select backend). Java NIO's <c>Selector.wakeup()</c>; <see cref="BaseSelector.WokenUp"/> tells a
    /// wakeup from a timeout. After <see cref="Close"/> it does nothing, as Java's: a stop request that races a close
    /// must not crash the thread that asked, and a closed selector has no wait left to end.
    /// </summary>
    void Wakeup();

    /// <summary>The key of <paramref name="fileObject"/> (Python's <c>get_key</c>).</summary>
    /// <exception cref="KeyNotFoundException">It is not registered.</exception>
    /// <exception cref="ArgumentException">The object yields no descriptor and is not registered by reference.</exception>
    /// <exception cref="ObjectDisposedException">The selector is closed.</exception>
    SelectorKey GetKey(object fileObject);

    /// <summary>A live, read-only view of the registrations, descriptor to key (Python's <c>get_map</c>).</summary>
    /// <exception cref="ObjectDisposedException">The selector is closed.</exception>
    IReadOnlyDictionary<int, SelectorKey> GetMap();

    /// <summary>Forgets every registration and releases the OS resources; the file objects stay open. Idempotent.</summary>
    void Close();
}
