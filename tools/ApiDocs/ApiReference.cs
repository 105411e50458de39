using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Xml.Linq;

namespace Selectors.ApiDocs;

/// <summary>Writes one Markdown page per public type of the libraries, and an index.</summary>
internal static class ApiReference
{
    /// <summary>The packaged libraries, by a type each.</summary>
    internal static readonly Assembly[] Assemblies =
    {
        typeof(BaseSelector).Assembly,
        typeof(Selectors.Epoll.EpollInstance).Assembly,
        typeof(Selectors.Poll.PollSet).Assembly,
        typeof(Selectors.Select.SocketSelect).Assembly,
        typeof(Selectors.Afd.AfdPollSet).Assembly,
        typeof(UnixSystemCallException).Assembly,
    };

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Every public type, in the order the index lists them.</summary>
    internal static IReadOnlyList<Type> PublicTypes() =>
        Assemblies.SelectMany(a => a.GetExportedTypes()).OrderBy(t => t.Namespace, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();

    /// <summary>The page name of a type.</summary>
    internal static string FileName(Type type) => $"{type.FullName}.md";

    /// <summary>Every page, by file name.</summary>
    internal static IReadOnlyDictionary<string, string> Pages()
    {
        var docs = new XmlDocs(Assemblies);
        var pages = new SortedDictionary<string, string>(StringComparer.Ordinal);
        IReadOnlyList<Type> types = PublicTypes();
        foreach (Type type in types)
        {
            pages[FileName(type)] = TypePage(type, docs);
        }

        pages["README.md"] = Index(types, docs);
        return pages;
    }

    /// <summary>Replaces <paramref name="directory"/>'s Markdown files with the pages; returns how many were written.</summary>
    internal static int Write(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (string stale in Directory.GetFiles(directory, "*.md"))
        {
            File.Delete(stale);
        }

        IReadOnlyDictionary<string, string> pages = Pages();
        foreach ((string name, string text) in pages)
        {
            File.WriteAllText(Path.Combine(directory, name), text);
        }

        return pages.Count;
    }

    private static string Index(IReadOnlyList<Type> types, XmlDocs docs)
    {
        var page = new StringBuilder();
        page.Append("# API reference\n\n");
        page.Append("Generated from the XML documentation by `tools/ApiDocs` (`dotnet run --project tools/ApiDocs -- docs/api`); ");
        page.Append("a test fails when these pages fall behind the code. The Python column names what each type mirrors.\n");
        foreach (IGrouping<string?, Type> ns in types.GroupBy(t => t.Namespace))
        {
            page.Append($"\n## {ns.Key}\n\n| type | Python | summary |\n|---|---|---|\n");
            foreach (Type type in ns)
            {
                XElement? doc = docs.Find(DocIds.Of(type));
                page.Append($"| [{Escape(CSharpNames.Of(type))}]({FileName(type)}) | {Python(doc)} | {Escape(FirstSentence(XmlDocs.Render(doc?.Element("summary"))))} |\n");
            }
        }

        return page.ToString();
    }

    private static string TypePage(Type type, XmlDocs docs)
    {
        XElement? doc = docs.Find(DocIds.Of(type));
        var page = new StringBuilder();
        page.Append($"# {Kind(type)} {CSharpNames.Of(type)}\n\n");
        page.Append($"Namespace `{type.Namespace}`, assembly `{type.Assembly.GetName().Name}`");
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
        {
            page.Append($"; derives from `{CSharpNames.Of(baseType)}`");
        }

        Type[] interfaces = type.GetInterfaces().Where(i => i.IsPublic && i.Namespace?.StartsWith("Selectors", StringComparison.Ordinal) == true).ToArray();
        if (interfaces.Length > 0)
        {
            page.Append($"; implements {string.Join(", ", interfaces.Select(i => $"`{CSharpNames.Of(i)}`"))}");
        }

        page.Append(".\n\n");
        page.Append(XmlDocs.Render(doc?.Element("summary"))).Append("\n\n");
        AppendIfAny(page, XmlDocs.Render(doc?.Element("remarks")));
        foreach (XElement parameter in doc?.Elements("param") ?? Enumerable.Empty<XElement>())
        {
            page.Append($"- `{parameter.Attribute("name")?.Value}`: {XmlDocs.Render(parameter)}\n");
        }

        if (doc?.Elements("param").Any() == true)
        {
            page.Append('\n');
        }

        foreach (IGrouping<string, MemberInfo> group in Members(type).GroupBy(Section))
        {
            page.Append($"## {group.Key}\n\n");
            foreach (MemberInfo member in group)
            {
                AppendMember(page, member, docs);
            }
        }

        return System.Text.RegularExpressions.Regex.Replace(page.ToString(), @"\n{3,}", "\n\n").TrimEnd('\n') + "\n";
    }

    private static void AppendMember(StringBuilder page, MemberInfo member, XmlDocs docs)
    {
        XElement? doc = Documentation(member, docs);
        page.Append($"### `{CSharpNames.Signature(member)}`\n\n");
        AppendIfAny(page, XmlDocs.Render(doc?.Element("summary")));
        AppendIfAny(page, XmlDocs.Render(doc?.Element("remarks")));
        foreach (XElement parameter in doc?.Elements("param") ?? Enumerable.Empty<XElement>())
        {
            page.Append($"- `{parameter.Attribute("name")?.Value}`: {XmlDocs.Render(parameter)}\n");
        }

        if (doc?.Element("returns") is { } returns)
        {
            page.Append($"- returns: {XmlDocs.Render(returns)}\n");
        }

        foreach (XElement exception in doc?.Elements("exception") ?? Enumerable.Empty<XElement>())
        {
            string name = exception.Attribute("cref")?.Value.Split('.').Last() ?? "exception";
            page.Append($"- throws `{name}`: {XmlDocs.Render(exception)}\n");
        }

        page.Append('\n');
    }

    /// <summary>A member's documentation; an <c>inheritdoc</c> without <c>cref</c> takes the interface's or base member's.</summary>
    internal static XElement? Documentation(MemberInfo member, XmlDocs docs)
    {
        XElement? doc = docs.Find(DocIds.Of(member));
        if (doc?.Element("summary") is not null || member.DeclaringType is not { } type)
        {
            return doc;
        }

        foreach (MemberInfo inherited in Inherited(member, type))
        {
            if (docs.Find(DocIds.Of(inherited)) is { } found && found.Element("summary") is not null)
            {
                return found;
            }
        }

        return doc;
    }

    private static IEnumerable<MemberInfo> Inherited(MemberInfo member, Type type)
    {
        MethodInfo? method = member switch
        {
            MethodInfo m => m,
            PropertyInfo p => p.GetMethod,
            _ => null,
        };
        if (method is null)
        {
            yield break;
        }

        if (method.GetBaseDefinition() is { } baseMethod && baseMethod != method)
        {
            yield return member is PropertyInfo p ? baseMethod.DeclaringType!.GetProperty(p.Name)! : baseMethod;
        }

        foreach (Type @interface in type.GetInterfaces())
        {
            InterfaceMapping map = type.GetInterfaceMap(@interface);
            int index = Array.IndexOf(map.TargetMethods, method);
            if (index >= 0)
            {
                MethodInfo target = map.InterfaceMethods[index];
                yield return member is PropertyInfo p ? @interface.GetProperty(p.Name)! : target;
            }
        }
    }

    private static IEnumerable<MemberInfo> Members(Type type)
    {
        IEnumerable<MemberInfo> members = type.IsEnum
            ? type.GetFields(BindingFlags.Public | BindingFlags.Static)
            : type.GetMembers(Declared).Where(m => m is not MethodInfo { IsSpecialName: true } && m is not Type && !IsCompilerGenerated(m));
        return members.OrderBy(SectionOrder).ThenBy(m => m.Name, StringComparer.Ordinal).ThenBy(CSharpNames.Signature, StringComparer.Ordinal);
    }

    private static bool IsCompilerGenerated(MemberInfo member) =>
        member.GetCustomAttributes().Any(a => a.GetType().Name == "CompilerGeneratedAttribute")
        || member.Name is "EqualityContract" or "<Clone>$" or "Deconstruct" or "PrintMembers" or "GetHashCode" or "Equals" or "ToString" && member.DeclaringType!.GetMethod("<Clone>$") is not null;

    private static string Section(MemberInfo member) => member switch
    {
        ConstructorInfo => "Constructors",
        PropertyInfo => "Properties",
        FieldInfo field when field.DeclaringType!.IsEnum => "Values",
        FieldInfo => "Fields",
        EventInfo => "Events",
        _ => "Methods",
    };

    private static int SectionOrder(MemberInfo member) => Section(member) switch
    {
        "Values" => 0,
        "Constructors" => 1,
        "Fields" => 2,
        "Properties" => 3,
        "Events" => 4,
        _ => 5,
    };

    private static string Kind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.GetMethod("<Clone>$") is not null ? "record" : type.IsAbstract && type.IsSealed ? "static class" : "class";

    private static string Python(XElement? doc) => XmlDocs.PythonName(doc) is { } name ? $"`{name}`" : string.Empty;

    private static void AppendIfAny(StringBuilder page, string text)
    {
        if (text.Length > 0)
        {
            page.Append(text).Append("\n\n");
        }
    }

    private static string FirstSentence(string text)
    {
        int end = text.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? text : text[..(end + 1)];
    }

    private static string Escape(string text) => text.Replace("|", "\\|").Replace("\n", " ");
}
