using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Threading;

namespace Selectors;

/// <summary>
/// What a <see cref="SelectorLoop"/> keeps for one file object its awaitables wait on: the pending reader and writer,
/// in one registration whose data is <see cref="Callback"/> (asyncio's selector_events keeps <c>(reader, writer)</c>
/// in one key the same way). The interest grows as soon as an operation needs it and shrinks on the loop's next turn
/// (<see cref="SelectorLoop"/> calls <see cref="Tidy"/>), so an operation that waits again right after completing, as a
/// receive loop does, costs no system call and no allocation.
/// </summary>
internal sealed class FileWaiters
{
    private ReadinessOperation? _reader;
    private ReadinessOperation? _writer;
    private SelectorEvents _registered;
    private int _fd = -1;

    internal FileWaiters(SelectorLoop loop, object fileObject)
    {
        Loop = loop;
        FileObject = fileObject;
        Callback = OnReady;
    }

    /// <summary>The loop whose selector holds the registration.</summary>
    internal SelectorLoop Loop { get; }

    /// <summary>The file object, as registered.</summary>
    internal object FileObject { get; }

    /// <summary>The registration's data: the loop calls it when the file object is ready.</summary>
    internal Action<SelectorKey, SelectorEvents> Callback { get; }

    /// <summary>Whether the loop has this object in its list to tidy on the next turn.</summary>
    internal bool TidyQueued { get; set; }

    /// <summary>Makes <paramref name="operation"/> the waiter for <paramref name="interest"/>, registering or widening
    /// the interest if it lacks it.</summary>
    /// <exception cref="InvalidOperationException">Another operation already waits for that event.</exception>
    internal void Add(ReadinessOperation operation, SelectorEvents interest)
    {
        ref ReadinessOperation? slot = ref Slot(interest);
        if (slot is not null)
        {
            string what = interest == SelectorEvents.Read ? "readable" : "writable";
            throw new InvalidOperationException(
                $"Another operation is already waiting for {FileObject} to become {what} (asyncio: another coroutine is already waiting): one reader and one writer per file object.");
        }

        slot = operation;
        if ((_registered & interest) == 0)
        {
            try
            {
                Change(_registered | interest);
            }
            catch
            {
                slot = null;
                throw;
            }
        }
    }

    /// <summary>Lets go of <paramref name="operation"/>; the interest it needed goes now (<paramref name="now"/>) or on
    /// the next turn.</summary>
    internal void Remove(ReadinessOperation operation, SelectorEvents interest, bool now)
    {
        ref ReadinessOperation? slot = ref Slot(interest);
        if (ReferenceEquals(slot, operation))
        {
            slot = null;
        }

        if (now)
        {
            Tidy();
        }
        else
        {
            Loop.QueueTidy(this);
        }
    }

    /// <summary>Shrinks the registration to what the pending operations need: unregisters when none is left.</summary>
    internal void Tidy()
    {
        SelectorEvents wanted = Wanted;
        if (wanted == _registered)
        {
            return;
        }

        if (!IsStillRegistered())
        {
            // Unregistered or closed by the user meanwhile: nothing of ours is left in the selector.
            _registered = SelectorEvents.None;
            _fd = -1;
            if (wanted == SelectorEvents.None)
            {
                return;
            }
        }

        try
        {
            Change(wanted);
        }
        catch (Exception e) when (e is ObjectDisposedException or ArgumentException or KeyNotFoundException or SocketException or UnixSystemCallException)
        {
            // The file object was closed under a pending wait: it can't be modified, only taken out. A wait still
            // pending on it is never woken (nothing reports a closed object), only cancelled or disposed, as in asyncio.
            Forget();
        }
    }

    /// <summary>Takes the registration out of the selector, whatever state its file object is in.</summary>
    private void Forget()
    {
        try
        {
            if (IsStillRegistered())
            {
                Loop.Selector.Unregister(FileObject);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or ArgumentException or KeyNotFoundException or SocketException or UnixSystemCallException)
        {
            // Already gone as far as the selector can tell.
        }

        _registered = SelectorEvents.None;
        _fd = -1;
    }

    private SelectorEvents Wanted =>
        (_reader is null ? SelectorEvents.None : SelectorEvents.Read) | (_writer is null ? SelectorEvents.None : SelectorEvents.Write);

    private ref ReadinessOperation? Slot(SelectorEvents interest) => ref interest == SelectorEvents.Read ? ref _reader : ref _writer;

    private bool IsStillRegistered() =>
        _fd >= 0 && Loop.Selector.GetMap().TryGetValue(_fd, out SelectorKey? key) && ReferenceEquals(key.Data, Callback);

    private void Change(SelectorEvents events)
    {
        if (_registered == SelectorEvents.None)
        {
            _fd = Loop.Selector.Register(FileObject, events, Callback).Fd;
        }
        else if (events == SelectorEvents.None)
        {
            Loop.Selector.Unregister(FileObject);
            _fd = -1;
        }
        else
        {
            Loop.Selector.Modify(FileObject, events, Callback);
        }

        _registered = events;
    }

    /// <summary>The loop's I/O callback: retries the reader on read readiness, the writer on write readiness (hang-up and
    /// error count as both).</summary>
    private void OnReady(SelectorKey key, SelectorEvents events)
    {
        if ((events & SelectorEvents.Read) != 0)
        {
            _reader?.OnReady();
        }

        // The reader's continuation ran inline and may have replaced the writer: take the one there now.
        if ((events & SelectorEvents.Write) != 0)
        {
            Volatile.Read(ref _writer)?.OnReady();
        }
    }
}
