using System;
using System.IO;
using System.Threading;

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
            // "/proc/thread-self" links to "PID/task/TID": the kernel's id of this thread.
            string link = new DirectoryInfo("/proc/thread-self").LinkTarget ?? string.Empty;
            _tid = int.TryParse(Path.GetFileName(link), out int tid) ? tid : 0;
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

    /// <summary>
    /// Waits at most <paramref name="bound"/> until the thread sleeps in epoll_wait, poll or select (its wait channel,
    /// or, where the kernel hides that, its state); true if it does.
    /// </summary>
    public bool WaitUntilAsleep(TimeSpan bound)
    {
        if (!_started.Wait(bound) || _tid == 0)
        {
            return false;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            if (IsAsleepInAWait())
            {
                return true;
            }

            Thread.Sleep(1);
        }

        return false;
    }

    private bool IsAsleepInAWait()
    {
        try
        {
            string wchan = File.ReadAllText($"/proc/self/task/{_tid}/wchan");
            if (wchan.Contains("poll", StringComparison.Ordinal) || wchan.Contains("select", StringComparison.Ordinal))
            {
                return true;
            }

            string stat = File.ReadAllText($"/proc/self/task/{_tid}/stat");
            // "TID (NAME) STATE ...": the name may hold spaces and parentheses, so the state follows the last ')'.
            return wchan is "" or "0" && stat[(stat.LastIndexOf(')') + 2)..].StartsWith('S');
        }
        catch (IOException)
        {
            return false; // the thread has ended
        }
    }
}
