using System;
using System.Collections.Generic;

namespace Selectors.Examples;

/// <summary>
/// Turns a <c>--backend</c> name into a selector. <c>default</c> is <see cref="DefaultSelector"/>, as Python programs
/// use <c>selectors.DefaultSelector()</c>; the others name a backend explicitly, as <c>selectors.PollSelector()</c> does,
/// so the same example can be tried on each.
/// </summary>
internal static class SelectorFactory
{
    /// <summary>The names <see cref="Create"/> accepts: <c>default</c> and <see cref="SelectorBackends.Names"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["default", .. SelectorBackends.Names];

    /// <summary>A new selector for <paramref name="name"/>, one of <see cref="Names"/> (in any case).</summary>
    /// <exception cref="Mono.Unix.UnixIOException">The OS refused to create it (for instance epoll outside Linux).</exception>
    /// <exception cref="UsageException"><c>default</c> was asked for, but SELECTORS_BACKEND names no backend.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not one of <see cref="Names"/>.</exception>
    public static BaseSelector Create(string name) =>
        string.Equals(name, "default", StringComparison.OrdinalIgnoreCase) ? CreateDefault() : SelectorBackends.Create(SelectorBackends.Parse(name));

    private static DefaultSelector CreateDefault()
    {
        try
        {
            return new DefaultSelector();
        }
        catch (InvalidOperationException e)
        {
            // A bad SELECTORS_BACKEND is a setting the user gave, like a bad --backend: report it the same way.
            throw new UsageException(e.Message);
        }
    }
}
