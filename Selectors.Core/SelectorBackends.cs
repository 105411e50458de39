using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Versioning;
using Selectors.Engines;
using Selectors.Afd;
using Selectors.Poll;

namespace Selectors;

/// <summary>
/// Every <see cref="SelectorBackend"/> in one place: its name (what <see cref="DefaultSelector.BackendVariable"/> and
/// the examples' <c>--backend</c> accept), a factory for its selector, and a probe telling whether it works on this
/// machine. <see cref="DefaultSelector"/> chooses with it, and the examples, benchmarks and tests name backends through it.
/// </summary>
public static class SelectorBackends
{
    // In DefaultSelector's order of preference, as CPython's: epoll, then poll, then select, which works everywhere.
    private static readonly Entry[] s_entries =
    [
        new(SelectorBackend.Epoll, "epoll", () => new EpollSelector(), () => new EpollEngine(),
            () => OperatingSystem.IsLinux() && Works(() => new EpollEngine().Dispose())),
        new(SelectorBackend.Poll, "poll", () => new PollSelector(), () => new PollEngine(),
            () => !OperatingSystem.IsWindows() && Works(() => new PollSet().Poll(0))),

        // Socket.Select is .NET's own, on every OS: the last resort needs no probe.
        new(SelectorBackend.Select, "select", () => new SelectSelector(), () => new SelectEngine(), () => true),

        // After select, which is always available, so DefaultSelector never picks it: opt-in, being tested only under Wine.
        new(SelectorBackend.Afd, "afd",
            () => OperatingSystem.IsWindows() ? new AfdSelector() : throw NotWindows(),
            () => OperatingSystem.IsWindows() ? new AfdEngine() : throw NotWindows(),
            () => OperatingSystem.IsWindows() && AfdWorks()),
    ];

    /// <summary>Every backend, in <see cref="DefaultSelector"/>'s order of preference: epoll, poll, select, then afd (opt-in only).</summary>
    public static IReadOnlyList<SelectorBackend> All { get; } = Array.AsReadOnly(s_entries.Select(e => e.Backend).ToArray());

    /// <summary>Every backend's name, in the order of <see cref="All"/>: <c>epoll</c>, <c>poll</c>, <c>select</c>, <c>afd</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(s_entries.Select(e => e.Name).ToArray());

    /// <summary>The name of <paramref name="backend"/>, in lower case (<c>epoll</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="backend"/> is no backend.</exception>
    public static string Name(SelectorBackend backend) => EntryOf(backend).Name;

    /// <summary>The backend named <paramref name="name"/>, in any case and with surrounding spaces ignored.</summary>
    /// <param name="name">A name from <see cref="Names"/>.</param>
    /// <param name="backend">The backend, when the name is known.</param>
    /// <returns>Whether <paramref name="name"/> names a backend.</returns>
    public static bool TryParse(string? name, out SelectorBackend backend)
    {
        string trimmed = name?.Trim() ?? "";
        Entry? entry = Array.Find(s_entries, e => string.Equals(e.Name, trimmed, StringComparison.OrdinalIgnoreCase));
        backend = entry?.Backend ?? default;
        return entry is not null;
    }

    /// <summary>The backend named <paramref name="name"/>, as <see cref="TryParse"/> reads it.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> names no backend; the message lists the names.</exception>
    public static SelectorBackend Parse(string name) =>
        TryParse(name, out SelectorBackend backend)
            ? backend
            : throw new ArgumentException($"'{name}' names no backend; use {string.Join(", ", Names)}.", nameof(name));

    /// <summary>A new selector on <paramref name="backend"/>: an <see cref="EpollSelector"/>, <see cref="PollSelector"/>, <see cref="SelectSelector"/> or <see cref="AfdSelector"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="backend"/> is no backend.</exception>
    /// <exception cref="UnixSystemCallException">The backend's OS object could not be created (for instance epoll outside Linux).</exception>
    public static BaseSelector Create(SelectorBackend backend) => EntryOf(backend).CreateSelector();

    /// <summary>
    /// Whether <paramref name="backend"/> works on this machine: epoll on a Linux kernel that has it, poll on any Unix
    /// whose C library has it, select everywhere, afd on Windows where the AFD driver opens. A probe of epoll, poll or
    /// afd makes its system calls once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="backend"/> is no backend.</exception>
    public static bool IsAvailable(SelectorBackend backend) => EntryOf(backend).Probe();

    /// <summary>The engine of <paramref name="backend"/>, for a <see cref="DefaultSelector"/> on it.</summary>
    internal static SelectorEngine CreateEngine(SelectorBackend backend) => EntryOf(backend).CreateEngine();

    // Found by value, not indexed by it: the table's order is the order of preference, not the enum's.
    private static Entry EntryOf(SelectorBackend backend) =>
        Array.Find(s_entries, e => e.Backend == backend)
            ?? throw new ArgumentOutOfRangeException(nameof(backend), backend, "Unknown backend.");

    [SupportedOSPlatform("windows")]
    private static bool AfdWorks() => Works(() => new AfdPollSet().Dispose());

    private static PlatformNotSupportedException NotWindows() => new("The afd backend needs Windows: the AFD driver is Windows's.");

    private static bool Works(Action probe)
    {
        try
        {
            probe();
            return true;
        }
        catch (Exception e) when (e is Mono.Unix.UnixIOException or System.ComponentModel.Win32Exception or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            return false;
        }
    }

    private sealed record Entry(
        SelectorBackend Backend,
        string Name,
        Func<BaseSelector> CreateSelector,
        Func<SelectorEngine> CreateEngine,
        Func<bool> Probe);
}
