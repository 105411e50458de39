using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace Selectors.Tests.Support;

/// <summary>
/// Tells when a thread is blocked inside the kernel's epoll_wait or poll, from /proc/self/task/TID/wchan, so a test
/// can act on a Select that is really waiting (block, act from another thread, observe) instead of sleeping and hoping.
/// </summary>
internal static class KernelWait
{
    /// <summary>Waits until thread <paramref name="tid"/> sleeps in epoll_wait or poll; false after <paramref name="timeout"/>.</summary>
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

    /// <summary>Whether thread <paramref name="tid"/> is now sleeping in epoll_wait or poll.</summary>
    internal static bool IsBlockedInWait(int tid)
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
}
