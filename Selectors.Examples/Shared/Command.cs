using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Selectors.Examples;

/// <summary>An option of a subcommand: <c>--name VALUE</c>, or a bare <c>--name</c> flag when <paramref name="ValueName"/> is null.</summary>
internal sealed record Option(string Name, string? ValueName, string Description)
{
    /// <summary><c>--help</c>, which every command accepts; commands list it so their usage text shows it.</summary>
    public static Option Help { get; } = new("--help", null, "show this help and exit");
}

/// <summary>
/// A subcommand of the examples program. Declaring the options as data lets <see cref="Program"/> parse them and
/// write the usage text the same way for every example, so a new example is one more entry in its table.
/// </summary>
internal sealed record Command(string Name, string Summary, IReadOnlyList<Option> Options, Func<Arguments, int> Run)
{
    /// <summary>The synopsis of the bare words the command takes (e.g. <c>[URL ...]</c>), or null when it takes none.</summary>
    public string? Operands { get; init; }

    /// <summary>The usage text: a synopsis line and one line per option.</summary>
    public string Usage
    {
        get
        {
            var text = new StringBuilder($"usage: {Program.Name} {Name}");
            foreach (Option option in Options)
            {
                text.Append(option.ValueName is null ? $" [{option.Name}]" : $" [{option.Name} {option.ValueName}]");
            }

            text.Append(Operands is null ? string.Empty : $" {Operands}");

            text.AppendLine().AppendLine().AppendLine(Summary).AppendLine().AppendLine("options:");
            int width = Options.Max(o => Label(o).Length);
            foreach (Option option in Options)
            {
                text.AppendLine($"  {Label(option).PadRight(width)}  {option.Description}");
            }

            return text.ToString();
        }
    }

    private static string Label(Option option) => option.ValueName is null ? option.Name : $"{option.Name} {option.ValueName}";
}
