using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using FluentAssertions;
using NUnit.Framework;

namespace Selectors.Tests.Architecture;

/// <summary>The library's system calls go through its own interop files only (docs/design.md, "System calls").</summary>
public class InteropBoundaryTests
{
    private static readonly Assembly[] LibraryAssemblies =
    {
        typeof(BaseSelector).Assembly,
        typeof(Selectors.Epoll.EpollInstance).Assembly,
        typeof(Selectors.Poll.PollSet).Assembly,
        typeof(Selectors.Select.SocketSelect).Assembly,
        typeof(Selectors.Afd.AfdPollSet).Assembly,
        typeof(UnixSystemCallException).Assembly,
    };

    /// <summary>The library projects' source folders (Common is compiled into Core, Epoll and Poll).</summary>
    private static readonly string[] LibraryFolders =
        { "Common", "Selectors.Core", "Selectors.Epoll", "Selectors.Poll", "Selectors.Select", "Selectors.Afd", "Selectors.Errors" };

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
        // The C library on Unix; the AFD layer's three Windows libraries, and nothing else (Mono.Posix's helper least of all).
        pinvokes.Select(method => method.GetCustomAttribute<System.Runtime.InteropServices.DllImportAttribute>()!.Value)
            .Should().OnlyContain(library => library == "libc" || library == "ntdll.dll" || library == "kernel32.dll" || library == "ws2_32.dll");
        pinvokes.Where(method => method.GetCustomAttribute<System.Runtime.InteropServices.DllImportAttribute>()!.Value != "libc")
            .Should().OnlyContain(method => method.DeclaringType!.Assembly == typeof(Selectors.Afd.AfdPollSet).Assembly, "only the AFD layer calls Windows");
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

    /// <summary>
    /// Mono.Posix's native helper, libMonoPosixHelper, does not exist for Apple Silicon, Alpine (musl), FreeBSD or Windows
    /// on Arm, and NativeConvert, Stdlib, UnixMarshal, Syscall and UnixIOException's errno constructors call into it.
    /// The libraries use Mono.Posix for one thing only: the UnixIOException type, built from a message.
    /// </summary>
    [Test]
    public void TheLibrariesNeverCallMonoPosixsNativeHelper()
    {
        string root = SpecCoverageTests.RepositoryRoot();
        var uses = LibraryFolders
            .SelectMany(folder => SourceFiles(Path.Combine(root, folder)))
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, index)))
            .Where(entry => Regex.IsMatch(entry.line, @"\b(NativeConvert|Stdlib|UnixMarshal|Syscall|Mono\.Unix\.Native)\b"))
            .Select(entry => $"{Path.GetRelativePath(root, entry.path)}:{entry.index + 1}: {entry.line.Trim()}");
        uses.Should().BeEmpty("the library projects must not use Mono.Posix's helper-bound classes");

        // The compiled assemblies too, whatever the source says: the only Mono.Posix type they may name is
        // UnixIOException, and the only constructor of it they may call is the one taking a message.
        foreach (Assembly assembly in LibraryAssemblies)
        {
            using var pe = new PEReader(File.OpenRead(assembly.Location));
            MetadataReader metadata = pe.GetMetadataReader();
            var monoTypes = metadata.TypeReferences.Select(metadata.GetTypeReference)
                .Where(type => metadata.GetString(type.Namespace).StartsWith("Mono", StringComparison.Ordinal))
                .Select(type => $"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}");
            monoTypes.Should().BeSubsetOf(new[] { "Mono.Unix.UnixIOException" }, "{0} names only that Mono.Posix type", assembly.GetName().Name);

            foreach (MemberReference member in metadata.MemberReferences.Select(metadata.GetMemberReference))
            {
                if (member.Parent.Kind == HandleKind.TypeReference
                    && metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)member.Parent).Name) == "UnixIOException"
                    && metadata.GetString(member.Name) == ".ctor")
                {
                    BlobReader signature = metadata.GetBlobReader(member.Signature);
                    signature.ReadSignatureHeader();
                    int parameters = signature.ReadCompressedInteger();
                    signature.ReadSignatureTypeCode(); // void
                    (parameters, signature.ReadSignatureTypeCode()).Should().Be((1, SignatureTypeCode.String),
                        "{0} may build a UnixIOException from a message only: its errno constructors call the helper", assembly.GetName().Name);
                }
            }
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
