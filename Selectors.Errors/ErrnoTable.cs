using System;
using System.Collections.Generic;

namespace Selectors;

/// <summary>
/// One Unix's errno numbers by name, from its <c>&lt;errno.h&gt;</c>. Numbers 1–10 and 12–34 are the same on every
/// Unix (they come from Version 7); the rest differ, e.g. EAGAIN is 11 on Linux and 35 on macOS and FreeBSD.
/// </summary>
internal sealed class ErrnoTable
{
    // Static initialisers run in textual order: the shared numbers come before the tables built from them, and the
    // tables before Current.
    private static readonly (string Name, int Number)[] SharedByEveryUnix =
    {
        ("EPERM", 1), ("ENOENT", 2), ("ESRCH", 3), ("EINTR", 4), ("EIO", 5), ("ENXIO", 6), ("E2BIG", 7), ("ENOEXEC", 8),
        ("EBADF", 9), ("ECHILD", 10), ("ENOMEM", 12), ("EACCES", 13), ("EFAULT", 14), ("ENOTBLK", 15), ("EBUSY", 16),
        ("EEXIST", 17), ("EXDEV", 18), ("ENODEV", 19), ("ENOTDIR", 20), ("EISDIR", 21), ("EINVAL", 22), ("ENFILE", 23),
        ("EMFILE", 24), ("ENOTTY", 25), ("ETXTBSY", 26), ("EFBIG", 27), ("ENOSPC", 28), ("ESPIPE", 29), ("EROFS", 30),
        ("EMLINK", 31), ("EPIPE", 32), ("EDOM", 33), ("ERANGE", 34),
    };

    // Plain arrays searched in order, not dictionaries: the error path may run in a process that is out of descriptors
    // (EMFILE), where loading one more assembly (System.Collections.Immutable, for frozen collections) can fail.
    private readonly (string Name, int Number)[] _entries;

    private ErrnoTable(string platform, (string Name, int Number)[] ownNumbers)
    {
        Platform = platform;
        _entries = [.. SharedByEveryUnix, .. ownNumbers];
    }

    /// <summary>Linux on x86, x86-64, Arm and Arm64: include/uapi/asm-generic/errno-base.h and errno.h.</summary>
    internal static ErrnoTable Linux { get; } = new("Linux", ErrnoTables.Linux);

    /// <summary>macOS (and iOS): xnu bsd/sys/errno.h.</summary>
    internal static ErrnoTable Darwin { get; } = new("macOS", ErrnoTables.Darwin);

    /// <summary>FreeBSD: sys/sys/errno.h.</summary>
    internal static ErrnoTable FreeBsd { get; } = new("FreeBSD", ErrnoTables.FreeBsd);

    /// <summary>The table of the OS this process runs on; Linux's where the OS is none of the three.</summary>
    internal static ErrnoTable Current { get; } =
        OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS() || OperatingSystem.IsMacCatalyst() ? Darwin
        : OperatingSystem.IsFreeBSD() ? FreeBsd
        : Linux;

    /// <summary>The OS the table belongs to, for messages.</summary>
    internal string Platform { get; }

    /// <summary>The number of errno <paramref name="name"/> (e.g. <c>"EAGAIN"</c>) on this OS.</summary>
    /// <exception cref="KeyNotFoundException">The OS has no such errno in this table.</exception>
    internal int this[string name] =>
        Array.Find(_entries, entry => entry.Name == name) is { Name: not null } found
            ? found.Number
            : throw new KeyNotFoundException($"{Platform} has no errno named {name} in this table.");

    /// <summary>
    /// The name of errno <paramref name="number"/> (<c>"EBADF"</c>), or <c>"errno N"</c> when the table lacks it. Where
    /// two names share a number (EWOULDBLOCK = EAGAIN, ENOTSUP = EOPNOTSUPP), the first listed names it.
    /// </summary>
    internal string NameOf(int number) =>
        Array.Find(_entries, entry => entry.Number == number) is { Name: not null } found ? found.Name : $"errno {number}";

    /// <summary>Every name the table knows.</summary>
    internal IEnumerable<string> Names => Array.ConvertAll(_entries, entry => entry.Name);
}
