using System;
using System.Threading;
using Selectors.Tests.Support;

namespace Selectors.Tests.Loop;

/// <summary>
/// A <see cref="SelectorLoop.RunForever"/> on its own background thread, for tests that act on a running loop from
/// the test's thread. It can tell when the loop is asleep in the kernel's wait, so such a test knows it acts on a
/// blocked loop instead of hoping that some sleep was long enough.
/// </summary>
internal sealed class LoopThread
{
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _started = new();
    private int _tid;

    /// <summary>Starts <paramref name="loop"/>'s <see cref="SelectorLoop.RunForever"/> on a thread named <paramref name="name"/>.</summary>
    public LoopThread(SelectorLoop loop, string name)
    {
        _thread = new Thread(() =>
        {
            _tid = KernelWait.CurrentThreadId();
            _started.Set();
            try
            {
                loop.RunForever();
            }
            catch (Exception e)
            {
                Failure = e;
            }
        })
        { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>What RunForever threw, if it did.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The managed id of the loop's thread.</summary>
    public int ManagedThreadId => _thread.ManagedThreadId;

    /// <summary>Waits at most <paramref name="bound"/> for RunForever to return.</summary>
    public bool Join(TimeSpan bound) => _thread.Join(bound);

    /// <summary>Waits at most <paramref name="bound"/> until the thread is blocked in the OS's wait (see <see cref="KernelWait"/>); true if it is.</summary>
    public bool WaitUntilAsleep(TimeSpan bound) =>
        _started.Wait(bound) && KernelWait.UntilBlockedInWait(_tid, bound);
}
