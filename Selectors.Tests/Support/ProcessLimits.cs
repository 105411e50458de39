using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace Selectors.Tests.Support;

/// <summary>
/// RLIMIT_NOFILE and the number of open descriptors of this process or of a child, from /proc (Mono.Posix.NETStandard
/// 1.0.0 has no getrlimit binding), and lowering a child's limit with prlimit(2).
/// </summary>
internal static class ProcessLimits
{
    /// <summary>The soft RLIMIT_NOFILE ("Max open files" in /proc/self/limits); long.MaxValue for "unlimited".</summary>
    internal static long OpenFilesSoftLimit()
    {
        foreach (string line in File.ReadAllLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                string soft = line["Max open files".Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
                return soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("/proc/self/limits has no 'Max open files' line.");
    }

    /// <summary>How many descriptors this process has open now.</summary>
    internal static int OpenDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    /// <summary>How many descriptors process <paramref name="pid"/> (one of this user's) has open now.</summary>
    internal static int OpenDescriptors(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    /// <summary>
    /// Sets both limits of RLIMIT_NOFILE of a running process, <paramref name="pid"/>, to <paramref name="limit"/>:
    /// lowering a limit needs no privilege, and descriptors already open stay open; only new ones past it fail with EMFILE.
    /// </summary>
    internal static void SetOpenFilesLimit(int pid, int limit)
    {
        if (TestInterop.PrLimit(pid, TestInterop.RlimitNoFile, new TestInterop.ResourceLimit((ulong)limit, (ulong)limit), 0) != 0)
        {
            throw new InvalidOperationException($"prlimit({pid}, RLIMIT_NOFILE, {limit}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
