using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using Microsoft.Win32.SafeHandles;
using NUnit.Framework;

namespace Selectors.Tests.Support;

/// <summary>
/// Lowers fs.epoll.max_user_watches to 1 for the duration of one call, to make the next epoll_ctl(ADD) of this user fail
/// with ENOSPC. The limit is machine-wide and other processes use epoll, so the window is kept as short as possible:
/// both handles are opened and both values encoded before the limit is lowered, and it is restored right after the call.
/// </summary>
internal static class EpollWatchLimit
{
    private const string Path = "/proc/sys/fs/epoll/max_user_watches";
    private const string NeedsRoot = "this test needs root and a writable /proc/sys, as CI has.";

    /// <summary>
    /// Runs <paramref name="attempt"/> with the limit at 1 and returns what it threw (null if nothing). The caller must
    /// hold at least one watch of its own, so "1" is already reached whatever other processes hold, and should have run
    /// the failure path once already (a first throw loads and compiles code for milliseconds). Fails the test,
    /// with the reason, if the limit cannot be written: tests run as root with a writable /proc/sys (CI does too).
    /// </summary>
    internal static Exception? WhileLoweredToOne(Action attempt)
    {
        string saved = File.ReadAllText(Path).Trim();
        byte[] lowered = Encoding.ASCII.GetBytes("1\n");
        byte[] restored = Encoding.ASCII.GetBytes(saved + "\n");
        using SafeFileHandle lower = OpenForWriting();
        using SafeFileHandle restore = OpenForWriting();
        string handRestore = $"restore it by hand: echo {saved} > {Path}";

        // The current value again: proves the file takes writes, and compiles the write before the window opens.
        Write(restore, restored, NeedsRoot);
        long start = Stopwatch.GetTimestamp();
        Write(lower, lowered, NeedsRoot);
        try
        {
            attempt();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
        finally
        {
            Write(restore, restored, handRestore);
            TestContext.Out.WriteLine($"{Path} was 1 for {Stopwatch.GetElapsedTime(start).TotalMicroseconds:F0} µs (normally {saved})");
            string now = File.ReadAllText(Path).Trim();
            if (now != saved)
            {
                Assert.Fail($"{Path} is {now} after the test; {handRestore}");
            }
        }
    }

    private static void Write(SafeFileHandle handle, byte[] value, string advice)
    {
        try
        {
            RandomAccess.Write(handle, value, 0);
        }
        catch (IOException e)
        {
            Assert.Fail($"Could not write {Path} ({e.Message}); {advice}");
        }
    }

    private static SafeFileHandle OpenForWriting()
    {
        try
        {
            return File.OpenHandle(Path, FileMode.Open, FileAccess.Write);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Assert.Fail($"Could not open {Path} for writing ({e.Message}); {NeedsRoot}");
            throw;
        }
    }
}
