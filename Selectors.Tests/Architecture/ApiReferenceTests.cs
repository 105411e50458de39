using System.IO;
using System.Linq;
using FluentAssertions;
using NUnit.Framework;
using Selectors.ApiDocs;

namespace Selectors.Tests.Architecture;

/// <summary>docs/api/ is the generated API reference: complete, and current with the code.</summary>
public class ApiReferenceTests
{
    private static string ApiDirectory => Path.Combine(SpecCoverageTests.RepositoryRoot(), "docs", "api");

    [Test]
    public void EveryPublicTypeHasAPage()
    {
        var types = ApiReference.PublicTypes();
        types.Should().HaveCountGreaterThan(15);
        foreach (var type in types)
        {
            File.Exists(Path.Combine(ApiDirectory, ApiReference.FileName(type))).Should().BeTrue("{0} needs a page", type.FullName);
        }
    }

    [Test]
    public void ThePagesAreCurrent()
    {
        var pages = ApiReference.Pages();
        Directory.GetFiles(ApiDirectory, "*.md").Select(Path.GetFileName).Should().BeEquivalentTo(pages.Keys);
        foreach (var (name, text) in pages)
        {
            File.ReadAllText(Path.Combine(ApiDirectory, name)).Should().Be(text,
                "docs/api/{0} is generated: run `dotnet run --project tools/ApiDocs -- docs/api` after changing public API or docs", name);
        }
    }

    [Test]
    public void EveryPublicMemberHasASummary()
    {
        var docs = new XmlDocs(ApiReference.Assemblies);
        var undocumented = ApiReference.PublicTypes()
            .SelectMany(type => type.GetMembers(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly)
                .Where(m => m is not System.Reflection.MethodInfo { IsSpecialName: true } && m.DeclaringType == type && !m.Name.StartsWith('<') && m.Name is not ("EqualityContract" or "Deconstruct" or "PrintMembers" or "Equals" or "GetHashCode" or "ToString" or "op_Equality" or "op_Inequality" or "value__"))
                .Where(m => ApiReference.Documentation(m, docs)?.Element("summary") is null)
                .Select(m => $"{type.Name}.{m.Name}"))
            .ToList();
        undocumented.Should().BeEmpty();
    }
}
