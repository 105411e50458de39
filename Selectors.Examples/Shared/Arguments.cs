using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;

namespace Selectors.Examples;

/// <summary>
/// The parsed options of one subcommand. Parsing checks only the shape (known names, values present); the typed
/// getters check the values, so each example states its defaults where it uses them.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _given = new(StringComparer.Ordinal);
    private readonly List<string> _operands = [];

    private Arguments()
    {
    }

    /// <summary>Parses <c>--name value</c>, <c>--name=value</c> and bare flags against <paramref name="command"/>'s options.</summary>
    /// <exception cref="UsageException">An unknown option, a missing value, a value given to a flag, or an option given twice.</exception>
    public static Arguments Parse(Command command, IReadOnlyList<string> args)
    {
        var parsed = new Arguments();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (command.Operands is not null && !arg.StartsWith('-'))
            {
                parsed._operands.Add(arg); // A command that declares operands (crawl's URLs) takes bare words as them.
                continue;
            }

            string name = arg;
            string? value = null;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                (name, value) = (arg[..equals], arg[(equals + 1)..]);
            }

            Option option = command.Options.FirstOrDefault(o => o.Name == name)
                ?? throw new UsageException($"unknown argument '{arg}'");
            if (option.ValueName is null && value is not null)
            {
                throw new UsageException($"{name} takes no value");
            }

            if (option.ValueName is not null && value is null)
            {
                value = i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value ({option.ValueName})");
            }

            if (!parsed._given.TryAdd(name, value))
            {
                throw new UsageException($"{name} given twice");
            }
        }

        return parsed;
    }

    /// <summary>The bare words given, in order, for a command that declares <see cref="Command.Operands"/>.</summary>
    public IReadOnlyList<string> Operands => _operands;

    /// <summary>Whether the flag <paramref name="name"/> was given.</summary>
    public bool Flag(string name) => _given.ContainsKey(name);

    /// <summary>The value of option <paramref name="name"/>, or null when it was not given.</summary>
    public string? OptionalText(string name) => _given.TryGetValue(name, out string? value) ? value : null;

    /// <summary>The value of <paramref name="name"/>, or <paramref name="fallback"/> when it was not given.</summary>
    public string Text(string name, string fallback) => _given.TryGetValue(name, out string? value) && value is not null ? value : fallback;

    /// <summary>A TCP port (0 means "let the OS choose").</summary>
    /// <exception cref="UsageException">Not a number from 0 to 65535.</exception>
    public int Port(string name, int fallback)
    {
        string text = Text(name, fallback.ToString(CultureInfo.InvariantCulture));
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= IPEndPoint.MaxPort
            ? port
            : throw new UsageException($"{name}: '{text}' is not a port number (0-{IPEndPoint.MaxPort})");
    }

    /// <summary>An IP address literal (IPv4 or IPv6); host names are not resolved, so nothing blocks on DNS.</summary>
    /// <exception cref="UsageException">Not an IP address.</exception>
    public IPAddress Address(string name, string fallback)
    {
        string text = Text(name, fallback);
        return IPAddress.TryParse(text, out IPAddress? address)
            ? address
            : throw new UsageException($"{name}: '{text}' is not an IP address");
    }

    /// <summary>One of <paramref name="choices"/>, compared case-insensitively.</summary>
    /// <exception cref="UsageException">Not one of them.</exception>
    public string Choice(string name, IReadOnlyList<string> choices, string fallback)
    {
        string text = Text(name, fallback);
        return choices.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"{name}: '{text}' is not one of {string.Join(", ", choices)}");
    }
}
