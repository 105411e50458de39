using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Selectors.Tests.Support;

/// <summary>
/// What a running process (a child the test started) costs, read from /proc: CPU time, to tell a loop that waits from
/// one that spins, and resident memory, to tell bounded buffering from unbounded.
/// </summary>
internal static class ProcessUsage
{
    // USER_HZ: /proc/PID/stat counts in these ticks. It is 100 on every Linux the tests run on (the kernel ABI fixes it).
    private const double TicksPerSecond = 100;

    /// <summary>User plus system CPU time of <paramref name="pid"/> so far (utime + stime of /proc/PID/stat).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name, field 2, is in parentheses and may hold spaces: count fields after its closing one.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>The resident set size of <paramref name="pid"/> in bytes (VmRSS of /proc/PID/status).</summary>
    public static long ResidentBytes(int pid)
    {
        string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
