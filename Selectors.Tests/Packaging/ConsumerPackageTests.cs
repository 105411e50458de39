using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Architecture;

namespace Selectors.Tests.Packaging;

/// <summary>
/// The packages as a user meets them: <c>dotnet pack</c> on a copy of the repository, then a fresh console project that
/// references only Selectors.Core from that local feed compiles a Python-style callback loop and runs it on loopback.
/// </summary>
[NonParallelizable]
public class ConsumerPackageTests
{
    private static readonly string[] Packages = { "Selectors.Core", "Selectors.Epoll", "Selectors.Poll", "Selectors.Select", "Selectors.Afd", "Selectors.Errors" };
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    private string _work = null!;
    private string _feed = null!;
    private string _version = null!;
    private string _packOutput = null!;

    [OneTimeSetUp]
    public void PackACopyOfTheRepository()
    {
        _work = Directory.CreateTempSubdirectory("selectors-consumer-").FullName;
        string copy = Path.Combine(_work, "repo");
        CopyRepository(SpecCoverageTests.RepositoryRoot(), copy);
        _feed = Path.Combine(_work, "feed");
        _version = XDocument.Load(Path.Combine(copy, "Directory.Build.props")).Descendants("Version").Single().Value;
        (int exit, _packOutput) = Run("dotnet", $"pack Selectors.sln -c Release -o \"{_feed}\" -nologo", copy, TimeSpan.FromMinutes(5));
        exit.Should().Be(0, _packOutput);
    }

    [OneTimeTearDown]
    public void DeleteTheCopy() => Directory.Delete(_work, recursive: true);

    [Test]
    public void PackEmitsNoWarnings() =>
        _packOutput.Split('\n').Where(line => Regex.IsMatch(line, @"\bwarning\b", RegexOptions.IgnoreCase)).Should().BeEmpty();

    [Test]
    public void EveryLibraryHasAPackageAndASymbolsPackage()
    {
        foreach (string id in Packages)
        {
            File.Exists(Path.Combine(_feed, $"{id}.{_version}.nupkg")).Should().BeTrue(id);
            File.Exists(Path.Combine(_feed, $"{id}.{_version}.snupkg")).Should().BeTrue(id);
        }

        Directory.GetFiles(_feed, "*.nupkg").Should().HaveCount(Packages.Length, "examples, tests and tools are not packed");
    }

    [TestCaseSource(nameof(Packages))]
    public void PackageCarriesItsMetadataDocsAndReadme(string id)
    {
        using ZipArchive package = ZipFile.OpenRead(Path.Combine(_feed, $"{id}.{_version}.nupkg"));
        XElement metadata = Child(XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open()).Root!, "metadata");
        Child(metadata, "id").Value.Should().Be(id);
        Child(metadata, "version").Value.Should().MatchRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", "SemVer");
        Child(metadata, "license").Value.Should().Be("MIT");
        Child(metadata, "readme").Value.Should().Be("README.md");
        Child(metadata, "description").Value.Should().NotBeNullOrWhiteSpace();
        Child(metadata, "tags").Value.Should().Contain("epoll");
        Child(metadata, "authors").Value.Should().NotBeNullOrWhiteSpace();
        Child(metadata, "repository").Attribute("url")!.Value.Should().StartWith("https://");
        Child(metadata, "repository").Attribute("commit")!.Value.Should().MatchRegex("^[0-9a-f]{40}$");
        package.GetEntry("README.md").Should().NotBeNull();
        package.GetEntry($"lib/net10.0/{id}.dll").Should().NotBeNull();
        package.GetEntry($"lib/net10.0/{id}.xml").Should().NotBeNull("IntelliSense needs the XML docs");
    }

    [Test]
    public void CoreDependsOnTheFourBackendsAndTheErrorType()
    {
        Dependencies("Selectors.Core").Should().Contain(new KeyValuePair<string, string>("Selectors.Epoll", _version))
            .And.Contain(new KeyValuePair<string, string>("Selectors.Poll", _version))
            .And.Contain(new KeyValuePair<string, string>("Selectors.Select", _version))
            .And.Contain(new KeyValuePair<string, string>("Selectors.Afd", _version))
            .And.Contain(new KeyValuePair<string, string>("Selectors.Errors", _version));
    }

    [TestCase("Selectors.Epoll")]
    [TestCase("Selectors.Poll")]
    public void EachUnixLayerBringsTheErrorTypeAndTheWindowsLayersNeedNone(string id)
    {
        Dependencies(id).Should().Contain(new KeyValuePair<string, string>("Selectors.Errors", _version));
        Dependencies("Selectors.Select").Keys.Should().NotContain("Selectors.Errors", "Socket.Select reports SocketException");
        Dependencies("Selectors.Afd").Keys.Should().NotContain("Selectors.Errors", "the AFD set reports SocketException and Win32Exception");
        Dependencies("Selectors.Errors").Keys.Should().Contain("Mono.Posix.NETStandard", "UnixSystemCallException extends its UnixIOException");
    }

    private Dictionary<string, string> Dependencies(string id)
    {
        using ZipArchive package = ZipFile.OpenRead(Path.Combine(_feed, $"{id}.{_version}.nupkg"));
        return XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open())
            .Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);
    }

    /// <summary>A child element by local name: nuspec namespaces vary with the features a package uses.</summary>
    private static XElement Child(XElement parent, string name) =>
        parent.Elements().SingleOrDefault(e => e.Name.LocalName == name) ?? throw new AssertionException($"<{name}> missing in <{parent.Name.LocalName}>");

    [TestCaseSource(nameof(Packages))]
    public void SymbolsCarrySourceLink(string id)
    {
        using ZipArchive symbols = ZipFile.OpenRead(Path.Combine(_feed, $"{id}.{_version}.snupkg"));
        using var pdb = new MemoryStream();
        symbols.GetEntry($"lib/net10.0/{id}.pdb")!.Open().CopyTo(pdb);
        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        MetadataReader reader = provider.GetMetadataReader();
        reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
            .Should().Contain(info => reader.GetGuid(info.Kind) == SourceLinkKind, "SourceLink maps the sources to the repository");
    }

    [Test]
    public void AFreshConsoleProjectUsesThePackagesFromTheFeed()
    {
        string consumer = Path.Combine(_work, "consumer");
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{Path.Combine(_work, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Selectors.Core" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{_feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ConsumerProgram);

        (int exit, string output) = Run("dotnet", "run -c Release", consumer, TimeSpan.FromMinutes(4));
        exit.Should().Be(0, output);
        output.Should().Contain("consumer ok: 'ping from a package' echoed on Epoll");
    }

    /// <summary>A Python-style callback loop: a listener and a client on loopback, callbacks in each key's data.</summary>
    private const string ConsumerProgram = """
        using System.Net;
        using System.Net.Sockets;
        using System.Text;
        using Selectors;

        using var sel = new DefaultSelector();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        client.Send(Encoding.ASCII.GetBytes("ping from a package"));
        string? echoed = null;

        sel.Register(listener, SelectorEvents.Read, (Action<Socket>)Accept);
        sel.Register(client, SelectorEvents.Read, (Action<Socket>)(s => { var b = new byte[64]; echoed = Encoding.ASCII.GetString(b, 0, s.Receive(b)); }));
        for (int turn = 0; turn < 100 && echoed is null; turn++)
            foreach (var (key, _) in sel.Select(5.0))
                ((Action<Socket>)key.Data!)((Socket)key.FileObject);
        Console.WriteLine(echoed is null ? "consumer failed" : $"consumer ok: '{echoed}' echoed on {sel.Backend}");
        return echoed is null ? 1 : 0;

        void Accept(Socket s)
        {
            Socket c = s.Accept();
            c.Blocking = false;
            sel.Register(c, SelectorEvents.Read, (Action<Socket>)Echo);
        }

        void Echo(Socket c)
        {
            var buf = new byte[4096];
            int n = c.Receive(buf, SocketFlags.None, out _);
            if (n > 0) c.Send(buf, 0, n, SocketFlags.None);
            else { sel.Unregister(c); c.Close(); }
        }
        """;

    private static void CopyRepository(string from, string to)
    {
        foreach (string directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, directory);
            if (!IsBuildOutput(relative))
            {
                Directory.CreateDirectory(Path.Combine(to, relative));
            }
        }

        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (!IsBuildOutput(relative))
            {
                File.Copy(file, Path.Combine(to, relative));
            }
        }
    }

    private static bool IsBuildOutput(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "TestResults" or "BenchmarkDotNet.Artifacts");

    private static (int ExitCode, string Output) Run(string file, string arguments, string directory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"timed out after {timeout}\n{stdout.Result}\n{stderr.Result}");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
