using System;
using System.Collections.Generic;
using System.Linq;

namespace Selectors.Tests.Support;

/// <summary>
/// The arguments of the fixtures that run on each backend, taken from <see cref="SelectorBackends"/> once:
/// <c>[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.Selectors))]</c>. A fixture's full name
/// carries its argument (<c>SelectorConformanceTests("Select")</c>), and CI legs select tests by those names.
/// </summary>
internal static class BackendFixtures
{
    /// <summary>The fixture name of <see cref="DefaultSelector"/> as this process chooses it.</summary>
    public const string Default = "Default";

    /// <summary>The fixture name of the poll selector with the pipe waker that Unix without eventfd uses.</summary>
    public const string PollPipe = "PollPipe";

    /// <summary>
    /// Every backend, as the enum; afd only on Windows. Epoll's and poll's fixtures exist on Windows and say why they
    /// skip (<see cref="BackendAvailableAttribute"/>); AFD's exist only where they run, so that each Linux leg does not
    /// list hundreds of skips of a Windows driver. The Wine leg runs them.
    /// </summary>
    public static IEnumerable<SelectorBackend> Backends => SelectorBackends.All.Where(b => b != SelectorBackend.Afd || OperatingSystem.IsWindows());

    /// <summary>Every backend by its enum name (<c>Epoll</c>), then <see cref="Default"/>.</summary>
    public static IEnumerable<string> Selectors => [.. Backends.Select(b => b.ToString()), Default];

    /// <summary><see cref="Selectors"/> and <see cref="PollPipe"/>: for the tests of wakeups, which differ by waker.</summary>
    public static IEnumerable<string> SelectorsAndPollPipe => [.. Selectors, PollPipe];

    /// <summary>
    /// The backends whose lower layer is a Unix system call of this repository's (epoll, poll), by their lower-case
    /// names: select's is .NET's Socket.Select, afd's is Windows's.
    /// </summary>
    public static IEnumerable<string> UnixSystemCalls => [SelectorBackends.Name(SelectorBackend.Epoll), SelectorBackends.Name(SelectorBackend.Poll)];

    /// <summary>The selectors with trigger modes (edge, one-shot): epoll's, and <see cref="Default"/> where it is epoll.</summary>
    public static IEnumerable<string> WithTriggerModes => [nameof(SelectorBackend.Epoll), Default];
}
