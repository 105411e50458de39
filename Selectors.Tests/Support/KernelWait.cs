using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace Selectors.Tests.Support;

/// <summary>
/// Tells when a thread is blocked in the OS's wait, so a test can act on a Select that is really waiting (block, act
/// from another thread, observe) instead of sleeping and hoping. On Linux the kernel says where the thread sleeps
/// (/proc/self/task/TID/wchan: epoll_wait or poll); Windows has no such file, see <see cref="IsWaitingOnWindows"/>.
/// </summary>
internal static class KernelWait
{
    /// <summary>
    /// How long a Windows thread's processor time must stand still to count as blocked: a few scheduler ticks (15.6 ms
    /// on Windows; Wine reads Linux's 10 ms ticks), so a thread that is running would have been charged for it.
    /// </summary>
    private static readonly TimeSpan StillFor = TimeSpan.FromMilliseconds(50);

    /// <summary>The calling thread's OS thread id, as <see cref="UntilBlockedInWait"/> takes it: Linux's tid, Windows' thread id.</summary>
    internal static int CurrentThreadId() => OperatingSystem.IsWindows() ? TestInterop.GetCurrentThreadId() : TestInterop.GetTid();

    /// <summary>Waits until thread <paramref name="tid"/> is blocked in the OS's wait; false after <paramref name="timeout"/>.</summary>
    internal static bool UntilBlockedInWait(int tid, TimeSpan timeout)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < timeout)
        {
            if (IsBlockedInWait(tid))
            {
                return true;
            }

            Thread.Sleep(1);
        }

        return false;
    }

    /// <summary>Whether thread <paramref name="tid"/> is now blocked in the OS's wait (on Linux: in epoll_wait or poll).</summary>
    internal static bool IsBlockedInWait(int tid) => OperatingSystem.IsWindows() ? IsWaitingOnWindows(tid) : IsInLinuxWait(tid);

    private static bool IsInLinuxWait(int tid)
    {
        try
        {
            string wchan = File.ReadAllText($"/proc/self/task/{tid}/wchan");
            return wchan.StartsWith("do_epoll_wait", StringComparison.Ordinal)
                || wchan.StartsWith("ep_poll", StringComparison.Ordinal)
                || wchan.StartsWith("poll_schedule_timeout", StringComparison.Ordinal)
                || wchan.StartsWith("do_sys_poll", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // the thread has gone
        }
    }

    /// <summary>
    /// Windows can't tell from outside which call a thread waits in, only that it waits: the thread must be in the Wait
    /// state (not suspended) and be charged no processor time for <see cref="StillFor"/>, so it is neither running nor
    /// about to. The callers' threads do nothing but Select, and nobody holds the selector's lock meanwhile, so such a
    /// thread is waiting in select(). Wine reports no thread states (every thread reads Initialized, measured on Wine
    /// 8.0), so there the standing processor time alone decides.
    /// </summary>
    private static bool IsWaitingOnWindows(int tid)
    {
        ProcessThread? thread = WindowsThread(tid);
        if (thread is null || !Waiting(thread))
        {
            return false;
        }

        TimeSpan charged = thread.TotalProcessorTime;
        Thread.Sleep(StillFor);
        thread = WindowsThread(tid);
        return thread is not null && Waiting(thread) && thread.TotalProcessorTime == charged;

        static bool Waiting(ProcessThread thread) => thread.ThreadState switch
        {
            System.Diagnostics.ThreadState.Wait => thread.WaitReason != ThreadWaitReason.Suspended,
            System.Diagnostics.ThreadState.Initialized => true, // Wine's answer for every thread: no state reported
            _ => false,
        };
    }

    /// <summary>Thread <paramref name="tid"/> of this process as the OS sees it now, or null if it has gone.</summary>
    private static ProcessThread? WindowsThread(int tid)
    {
        using Process self = Process.GetCurrentProcess();
        foreach (ProcessThread thread in self.Threads)
        {
            if (thread.Id == tid)
            {
                return thread;
            }
        }

        return null;
    }
}
