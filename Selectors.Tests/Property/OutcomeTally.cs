using System.Collections.Generic;
using System.Linq;

namespace Selectors.Tests.Property;

/// <summary>
/// How often each kind of step ended each way (ok, skipped, which exception, an empty or non-empty select), so a run
/// shows that the sequences reach the states that matter instead of skipping or selecting nothing.
/// </summary>
internal sealed class OutcomeTally
{
    private readonly SortedDictionary<string, long> _counts = new(System.StringComparer.Ordinal);

    internal void Add(OperationKind kind, string outcome)
    {
        string category = kind == OperationKind.Select ? (outcome == "{}" ? "empty" : "non-empty")
            : outcome.StartsWith("ok", System.StringComparison.Ordinal) ? "ok" : outcome;
        string name = $"{kind} {category}";
        _counts[name] = _counts.GetValueOrDefault(name) + 1;
    }

    internal long this[string name] => _counts.GetValueOrDefault(name);

    public override string ToString() => string.Join(", ", _counts.Select(entry => $"{entry.Key} {entry.Value}"));
}
