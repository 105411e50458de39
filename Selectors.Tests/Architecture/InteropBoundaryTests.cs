using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using FluentAssertions;
using NUnit.Framework;

namespace Selectors.Tests.Architecture;

/// <summary>The library's system calls go through its own interop files only (DESIGN.md "System calls").</summary>
public class InteropBoundaryTests
{
    private static readonly Assembly[] LibraryAssemblies =
    {
        typeof(BaseSelector).Assembly,
        typeof(Selectors.Epoll.EpollInstance).Assembly,
        typeof(Selectors.Poll.PollSet).Assembly,
        typeof(Selectors.Select.SocketSelect).Assembly,
    };

    [Test]
    public void EveryPInvokeIsDeclaredInTheInteropClass()
    {
        var pinvokes = LibraryAssemblies
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(method => method.Attributes.HasFlag(MethodAttributes.PinvokeImpl))
            .ToList();

        pinvokes.Should().NotBeEmpty();
        pinvokes.Should().OnlyContain(method => OutermostType(method.DeclaringType!).Name == "Interop");
        pinvokes.Select(method => method.GetCustomAttribute<System.Runtime.InteropServices.DllImportAttribute>()!.Value)
            .Should().OnlyContain(library => library == "libc");
    }

    [Test]
    public void PInvokesLiveOnlyInInteropFilesAndMonoPosixEpollAndPollAreNeverCalled()
    {
        string root = SpecCoverageTests.RepositoryRoot();
        var libraryFiles = SourceFiles(root)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}Selectors.Tests{Path.DirectorySeparatorChar}"))
            .ToList();

        libraryFiles.Should().Contain(path => path.EndsWith("Interop.Epoll.cs", StringComparison.Ordinal));
        foreach (string path in libraryFiles)
        {
            string text = File.ReadAllText(path);
            if (!Path.GetFileName(path).StartsWith("Interop.", StringComparison.Ordinal))
            {
                text.Should().NotContainAny(new[] { "[LibraryImport", "[DllImport" }, "{0} is not an interop file", path);
            }

            text.Should().NotContainAny(new[] { "Syscall.epoll", "Syscall.poll", "EpollFlags", "Native.EpollEvent", "Native.Pollfd" }, "{0} must not use Mono.Posix's epoll or poll", path);
        }
    }

    [Test]
    public void TheTestsNeverCallMonoPosixsNativeHelper()
    {
        // Syscall, Stdlib, NativeConvert and UnixMarshal go through libMonoPosixHelper, which the no-helper CI leg
        // deletes; the fixtures make their system calls through TestInterop instead. Mono.Posix's enums (Errno) are
        // managed and may stay. A call is the class, a member and an opening parenthesis.
        const string HelperCall = @"\b(Syscall|Stdlib|NativeConvert|UnixMarshal)\.\w+\s*\(";
        var testFiles = SourceFiles(Path.Combine(SpecCoverageTests.RepositoryRoot(), "Selectors.Tests")).ToList();

        testFiles.Should().Contain(path => path.EndsWith("Peers.cs", StringComparison.Ordinal));
        foreach (string path in testFiles)
        {
            File.ReadAllText(path).Should().NotMatchRegex(HelperCall, "{0} must not call libMonoPosixHelper", path);
        }
    }

    /// <summary>The C# files under <paramref name="directory"/>, build output (bin, obj) left out.</summary>
    private static IEnumerable<string> SourceFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    private static Type OutermostType(Type type) => type.DeclaringType is null ? type : OutermostType(type.DeclaringType);
}
