using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FluentAssertions;
using NUnit.Framework;

namespace Selectors.Tests.Architecture;

/// <summary>
/// The documents link to files that exist, and the examples sit in one folder per example, so moving a file shows up
/// here rather than as a dead link on GitHub.
/// </summary>
public class RepositoryLayoutTests
{
    /// <summary>The folders of Selectors.Examples: one per example, and Shared/ for what several of them use.</summary>
    private static readonly string[] ExampleFolders = ["Chat", "Crawl", "Echo", "Http", "LowLevel", "Models", "Shared"];

    private static string Root => SpecCoverageTests.RepositoryRoot();

    [Test]
    public void EveryDocumentATestCitesIsInTheRepository()
    {
        // A test's comments cite documents by path from the root (docs/design.md) or by name (README.md); either must
        // be here, not only beside the repository or in someone's memory.
        var cited = Directory.GetFiles(Path.Combine(Root, "Selectors.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .SelectMany(path => Regex.Matches(File.ReadAllText(path), @"(?<![\w/.-])([\w/.-]+\.md)\b")
                .Select(match => (File: Path.GetRelativePath(Root, path), Document: match.Groups[1].Value)))
            .ToList();
        var known = Directory.GetFiles(Root, "*.md", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();

        cited.Should().Contain(entry => entry.Document == "docs/design.md");
        cited.Where(entry => !known.Any(document => document == entry.Document || document.EndsWith("/" + entry.Document, StringComparison.Ordinal)))
            .Select(entry => $"{entry.File}: {entry.Document}")
            .Should().BeEmpty("a test must not cite a file that is not in the repository");
    }

    [Test]
    public void EveryRelativeLinkInTheDocumentsNamesAFileThatExists()
    {
        var documents = new[] { "README.md", "CONTRIBUTING.md" }
            .Select(name => Path.Combine(Root, name))
            .Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories))
            .ToList();

        var dead = documents.SelectMany(document =>
            // Markdown links [text](target); a target with a scheme (https:, mailto:) or only an anchor is not a file.
            Regex.Matches(File.ReadAllText(document), @"\]\(([^)\s]+)\)")
                .Select(link => link.Groups[1].Value)
                .Where(target => !Regex.IsMatch(target, "^([a-z]+:|#)"))
                .Where(target => !Path.Exists(Path.Combine(Path.GetDirectoryName(document)!, target.Split('#')[0])))
                .Select(target => $"{Path.GetRelativePath(Root, document)}: {target}"));

        documents.Should().HaveCountGreaterThan(5);
        dead.Should().BeEmpty("a moved or renamed file must take its links with it");
    }

    [Test]
    public void TheExamplesSitInOneFolderPerExample()
    {
        string examples = Path.Combine(Root, "Selectors.Examples");

        Directory.GetFiles(examples, "*.cs").Select(Path.GetFileName)
            .Should().BeEquivalentTo(["Program.cs", "QuickStart.cs"], "only the entry point and the README's quick start stay at the root");
        Directory.GetDirectories(examples).Select(Path.GetFileName).Except(["bin", "obj"])
            .Should().BeEquivalentTo(ExampleFolders, "a new example gets its own folder, listed here and in README's Layout table");
    }
}
