using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Selectors.Benchmarks.Soak;

/// <summary>What a process holds, from /proc: its open descriptors and its resident memory (VmRSS).</summary>
/// <param name="Descriptors">Entries in /proc/PID/fd.</param>
/// <param name="ResidentKiB">VmRSS from /proc/PID/status, in KiB.</param>
internal sealed record ServerFootprint(int Descriptors, long ResidentKiB)
{
    /// <summary>Reads the footprint of process <paramref name="pid"/> now.</summary>
    /// <exception cref="IOException">The process is gone, or its status has no VmRSS line.</exception>
    public static ServerFootprint Of(int pid)
    {
        int descriptors = Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        string rss = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            ?? throw new IOException($"/proc/{pid}/status has no VmRSS line");
        // "VmRSS:     123456 kB"
        long kib = long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return new ServerFootprint(descriptors, kib);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Descriptors} descriptors, {ResidentKiB / 1024.0:0.0} MiB resident";
}
