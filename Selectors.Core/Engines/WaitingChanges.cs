using System.Threading;
using Selectors.Wakers;

namespace Selectors.Engines;

/// <summary>
/// The protocol that lets another thread change an interest set the OS reads during the wait (poll's <c>pollfd</c>
/// array, select's socket lists), as mio's poll(2) backend and Java's <c>updateKeys</c> do. A change wakes the waiting
/// thread and waits until it has left the wait and read its results; the waiting thread, before it waits again, lets
/// every waiting change finish first, and then waits with them. Epoll needs none of this: its interest set is the
/// kernel's, which is safe to change while another thread waits.
/// </summary>
internal sealed class WaitingChanges(Waker waker)
{
    private readonly object _lock = new();
    private bool _waiting;
    private int _changes;

    /// <summary>Called by the selecting thread before it reads the interest set: waits until no change is in progress.</summary>
    internal void EnterWait()
    {
        lock (_lock)
        {
            while (_changes > 0)
            {
                Monitor.Wait(_lock);
            }

            _waiting = true;
        }
    }

    /// <summary>Called by the selecting thread once it has read its results: lets waiting changes go ahead.</summary>
    internal void ExitWait()
    {
        lock (_lock)
        {
            _waiting = false;
            if (_changes > 0)
            {
                Monitor.PulseAll(_lock);
            }
        }
    }

    /// <summary>Called before a change: wakes a thread inside the wait and waits until it has left.</summary>
    internal void BeginChange()
    {
        lock (_lock)
        {
            _changes++;
            if (_waiting)
            {
                waker.Wake();
                while (_waiting)
                {
                    Monitor.Wait(_lock);
                }
            }
        }
    }

    /// <summary>Called after a change (made or failed): when it was the last one, lets the selecting thread wait again.</summary>
    internal void EndChange()
    {
        lock (_lock)
        {
            if (--_changes == 0)
            {
                Monitor.PulseAll(_lock);
            }
        }
    }
}
