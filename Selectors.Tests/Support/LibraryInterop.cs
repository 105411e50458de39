using System;
using System.Reflection;
using Selectors.Epoll;
using Selectors.Poll;

namespace Selectors.Tests.Support;

/// <summary>
/// The internal <c>Interop</c> class of one library assembly, reached by reflection: every library assembly (and this
/// test assembly) compiles its own global <c>Interop</c> partial class, so the name is ambiguous from C#.
/// </summary>
internal sealed class LibraryInterop
{
    private const BindingFlags Members = BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public;

    private LibraryInterop(Assembly assembly) =>
        Type = assembly.GetType("Interop", throwOnError: true)!;

    /// <summary>The Interop class of Selectors.Epoll.</summary>
    internal static LibraryInterop Epoll { get; } = new(typeof(EpollInstance).Assembly);

    /// <summary>The Interop class of Selectors.Poll.</summary>
    internal static LibraryInterop Poll { get; } = new(typeof(PollSet).Assembly);

    internal Type Type { get; }

    /// <summary>A nested type, e.g. <c>AlignedEpollEvent</c>.</summary>
    internal Type Nested(string name) =>
        Type.GetNestedType(name, Members) ?? throw new MissingMemberException("Interop", name);

    /// <summary>A constant or static field, e.g. <c>EPOLL_CLOEXEC</c>.</summary>
    internal T Constant<T>(string name) =>
        (T)(Type.GetField(name, Members)?.GetValue(null) ?? throw new MissingFieldException("Interop", name));

    /// <summary>A static property, e.g. <c>EpollEventIsPacked</c>.</summary>
    internal T Property<T>(string name) =>
        (T)(Type.GetProperty(name, Members)?.GetValue(null) ?? throw new MissingMemberException("Interop", name));
}
