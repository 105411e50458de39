using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FluentAssertions;
using NUnit.Framework;

namespace Selectors.Tests.Architecture;

/// <summary>docs/spec-coverage.md names real tests, and covers every section of the semantics spec.</summary>
public class SpecCoverageTests
{
    [Test]
    public void EveryTestNamedInTheCoverageTableExists()
    {
        string table = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "spec-coverage.md"));
        var named = Regex.Matches(table, @"`([A-Z][0-9]+[A-Za-z0-9_]*)`").Select(m => m.Groups[1].Value).Distinct().ToList();
        var tests = typeof(SpecCoverageTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods())
            .Select(method => method.Name)
            .ToHashSet();

        named.Should().HaveCountGreaterThan(80);
        named.Where(name => !tests.Contains(name)).Should().BeEmpty("every test the table names must exist");
    }

    [Test]
    public void EverySectionOfTheSpecHasARow()
    {
        string table = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "spec-coverage.md"));
        foreach (char section in "ABCDEFGHIJKLMNOPQRS")
        {
            table.Should().MatchRegex($@"\n\| {section}[0-9]", "section {0} needs a row", section);
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Selectors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Selectors.sln not found above " + AppContext.BaseDirectory);
    }
}
