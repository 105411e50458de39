using System;
using System.Globalization;
using System.IO;

namespace Selectors.Tests.Support;

/// <summary>
/// RLIMIT_NOFILE and the number of open descriptors of this process, from /proc (Mono.Posix.NETStandard 1.0.0 has no
/// getrlimit binding).
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
}
