using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Selectors.ApiDocs;

/// <summary>The compiler's XML documentation of some assemblies, rendered to Markdown.</summary>
internal sealed class XmlDocs
{
    private readonly Dictionary<string, XElement> _members = new();

    internal XmlDocs(IEnumerable<Assembly> assemblies)
    {
        foreach (Assembly assembly in assemblies)
        {
            string path = Path.ChangeExtension(assembly.Location, ".xml");
            foreach (XElement member in XDocument.Load(path).Descendants("member"))
            {
                _members[member.Attribute("name")!.Value] = member;
            }
        }
    }

    /// <summary>The documentation element of a member, following <c>inheritdoc</c> with a <c>cref</c>.</summary>
    internal XElement? Find(string id)
    {
        if (!_members.TryGetValue(id, out XElement? member))
        {
            return null;
        }

        return member.Element("inheritdoc")?.Attribute("cref") is { } cref && member.Element("summary") is null
            ? Find(cref.Value) ?? member
            : member;
    }

    /// <summary>An element's text as one Markdown paragraph (or several, for <c>para</c>).</summary>
    internal static string Render(XElement? element) => element is null ? string.Empty : Collapse(RenderNodes(element));

    /// <summary>The Python name a member mirrors, from "Python's <c>name</c>" in its summary or remarks.</summary>
    internal static string? PythonName(XElement? member)
    {
        string text = member?.ToString() ?? string.Empty;
        Match match = Regex.Match(text, @"Python(?:'s|’s)\s*<c>([^<]+)</c>");
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string RenderNodes(XElement element)
    {
        var text = new StringBuilder();
        foreach (XNode node in element.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "c" } c => $"`{c.Value}`",
                XElement { Name.LocalName: "code" } code => $"\n\n```csharp\n{code.Value.Trim('\n')}\n```\n\n",
                XElement { Name.LocalName: "para" } para => $"\n\n{RenderNodes(para)}\n\n",
                XElement { Name.LocalName: "paramref" or "typeparamref" } p => $"`{p.Attribute("name")?.Value}`",
                XElement { Name.LocalName: "see" or "seealso" } see => $"`{CrefText(see)}`",
                XElement { Name.LocalName: "list" } list => "\n\n" + string.Join("\n", list.Elements("item").Select(i => "- " + Collapse(RenderNodes(i)))) + "\n\n",
                XElement other => RenderNodes(other),
                _ => string.Empty,
            });
        }

        return text.ToString();
    }

    private static string CrefText(XElement see)
    {
        if (see.Attribute("langword") is { } langword)
        {
            return langword.Value;
        }

        string cref = see.Attribute("cref")?.Value ?? see.Value;
        bool isType = cref.StartsWith("T:", System.StringComparison.Ordinal);
        cref = Regex.Replace(cref, @"^[A-Z]:", string.Empty);
        cref = Regex.Replace(cref, @"\(.*\)$", string.Empty);
        cref = Regex.Replace(cref, @"`+\d+", string.Empty);
        cref = cref.Replace("#ctor", "ctor");
        string[] parts = cref.Split('.');

        // A type by its name; a member by Type.Member.
        return isType || parts.Length < 2 ? parts[^1] : $"{parts[^2]}.{parts[^1]}";
    }

    private static string Collapse(string text)
    {
        var paragraphs = Regex.Split(text, @"\n\s*\n")
            .Select(p => p.StartsWith("```", System.StringComparison.Ordinal) || p.TrimStart().StartsWith("- ", System.StringComparison.Ordinal)
                ? p.Trim('\n')
                : Regex.Replace(p, @"\s+", " ").Trim())
            .Where(p => p.Length > 0);
        return string.Join("\n\n", paragraphs);
    }
}
