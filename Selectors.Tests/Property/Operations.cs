using System.Collections.Generic;
using System.Globalization;
using System.Text;
using CsCheck;

namespace Selectors.Tests.Property;

/// <summary>What one step of a generated sequence does.</summary>
internal enum OperationKind
{
    Register,
    Modify,
    Unregister,
    GetKey,
    Select,
    Write,
    Read,
    ShutdownWrite,
    Close,
    CloseRegistered,
}

/// <summary>
/// One step. Every field is generated for every kind (unused ones shrink to their minimum), so a sequence is a plain
/// list that CsCheck can shrink by length and by element; whether a step applies is decided when it runs, against the
/// model's state, so a shrunk sequence never needs re-generating to stay meaningful.
/// </summary>
internal readonly record struct Operation(OperationKind Kind, int Endpoint, SelectorEvents Events, int Data, int Count)
{
    /// <summary>The data object a step passes: fresh each time, so "equal data" is tested by Equals, not by reference.</summary>
    internal object? DataObject => DataOf(Data);

    internal static object? DataOf(int data) => data == 0 ? null : "d" + data.ToString(CultureInfo.InvariantCulture);

    public override string ToString()
    {
        string e = Endpoints.Name(Endpoint);
        string data = Data == 0 ? "null" : "\"d" + Data.ToString(CultureInfo.InvariantCulture) + "\"";
        return Kind switch
        {
            OperationKind.Register or OperationKind.Modify => $"{Kind}({e}, {EventsText(Events)}, {data})",
            OperationKind.Select => "Select(0)",
            OperationKind.Write or OperationKind.Read => $"{Kind}({e}, {Count})",
            _ => $"{Kind}({e})",
        };
    }

    internal static string EventsText(SelectorEvents events) =>
        events is SelectorEvents.None or > (SelectorEvents.Read | SelectorEvents.Write)
            ? ((int)events).ToString(CultureInfo.InvariantCulture)
            : events.ToString().Replace(", ", "|", System.StringComparison.Ordinal);

    internal static string Print(IReadOnlyList<Operation> operations)
    {
        var text = new StringBuilder();
        text.Append(operations.Count).Append(" operations:");
        for (int i = 0; i < operations.Count; i++)
        {
            text.AppendLine().Append("  ").Append(i.ToString(CultureInfo.InvariantCulture).PadLeft(3)).Append(": ").Append(operations[i]);
        }

        return text.ToString();
    }
}

/// <summary>Generates operation sequences over the endpoints of <see cref="Endpoints"/>.</summary>
internal static class OperationGenerator
{
    internal const int MinLength = 1;
    internal const int MaxLength = 100;

    /// <param name="endpointCount">4 (the two socket pairs) for select, 6 (plus the pipe) elsewhere.</param>
    /// <param name="closeRegistered">Whether to generate <see cref="OperationKind.CloseRegistered"/>.</param>
    internal static Gen<Operation[]> Sequence(int endpointCount, bool closeRegistered) =>
        Step(endpointCount, closeRegistered).Array[MinLength, MaxLength];

    private static Gen<Operation> Step(int endpointCount, bool closeRegistered)
    {
        // Mostly valid masks; now and then None or an undefined bit, which must be refused without changing anything.
        Gen<SelectorEvents> events = Gen.Frequency<SelectorEvents>(
            (12, Gen.Int[1, 3].Select(i => (SelectorEvents)i)),
            (1, Gen.OneOf(SelectorEvents.None, (SelectorEvents)4)));

        // Selects and data movement dominate: readiness is what differs between backends. Closing is rare because a
        // closed endpoint takes no further part in the sequence.
        var kinds = new List<(int, OperationKind)>
        {
            (14, OperationKind.Register),
            (8, OperationKind.Modify),
            (6, OperationKind.Unregister),
            (3, OperationKind.GetKey),
            (20, OperationKind.Select),
            (16, OperationKind.Write),
            (12, OperationKind.Read),
            (2, OperationKind.ShutdownWrite),
            (2, OperationKind.Close),
        };
        if (closeRegistered)
        {
            kinds.Add((2, OperationKind.CloseRegistered));
        }

        return Gen.Select(
            Gen.Frequency(kinds.ToArray()),
            Gen.Int[0, endpointCount - 1],
            events,
            Gen.Int[0, 2],
            Gen.Int[1, 8],
            (kind, endpoint, ev, data, count) => new Operation(kind, endpoint, ev, data, count));
    }
}
