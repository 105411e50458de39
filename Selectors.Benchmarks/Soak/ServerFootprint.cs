using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Selectors.Benchmarks.Soak;

/// <summary>What a process holds, from /proc: its open descriptors and its resident memory (VmRSS).</summary>
/// <param name="Descriptors">Entries in /proc/PID/fd.</param>
/// <param name="ResidentKiB">VmRSS from /proc/PID/status, in KiB.</param>
/// <param name="AnonymousKiB">RssAnon, the part of it that is heap and stacks rather than mapped files.</param>
internal sealed record ServerFootprint(int Descriptors, long ResidentKiB, long AnonymousKiB)
{
    /// <summary>The managed heap's size in bytes after an induced full collection (live objects), when one was seen.</summary>
    public long? ManagedHeapBytes { get; init; }

    /// <summary>Reads the footprint of process <paramref name="pid"/> now.</summary>
    /// <exception cref="IOException">The process is gone, or its status lacks a line.</exception>
    public static ServerFootprint Of(int pid)
    {
        int descriptors = Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        string[] status = File.ReadAllLines($"/proc/{pid}/status");
        return new ServerFootprint(descriptors, Kib(status, "VmRSS:"), Kib(status, "RssAnon:"));
    }

    // "VmRSS:     123456 kB"
    private static long Kib(string[] status, string name) =>
        long.Parse(
            (status.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) ?? throw new IOException($"/proc/.../status has no {name} line"))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string ToString() =>
        FormattableString.Invariant($"{Descriptors} descriptors, {ResidentKiB / 1024.0:0.0} MiB resident ({AnonymousKiB / 1024.0:0.0} MiB anonymous)")
        + (ManagedHeapBytes is { } heap ? FormattableString.Invariant($", {heap / 1048576.0:0.0} MiB managed heap after a full collection") : string.Empty);
}
