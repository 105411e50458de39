using System.Collections.Generic;

namespace Selectors.Benchmarks.Scaling;

/// <summary>One backend's figures, or why it has none.</summary>
/// <param name="Backend">The backend's name.</param>
/// <param name="Sizes">One entry per size measured, ascending; empty when skipped or failed.</param>
/// <param name="Skipped">Why the backend was not measured (it does not work here); null when it was.</param>
/// <param name="Failed">What went wrong while measuring; null when nothing did.</param>
internal sealed record ScalingResult(string Backend, IReadOnlyList<ScalingResult.Size> Sizes, string? Skipped = null, string? Failed = null)
{
    /// <summary>Whether every size was measured.</summary>
    public bool Measured => Skipped is null && Failed is null && Sizes.Count > 0;

    /// <summary>The span overload's time at the largest size over its time at the smallest.</summary>
    public double Growth => Sizes[^1].Span.MicrosecondsPerCall / Sizes[0].Span.MicrosecondsPerCall;

    /// <summary>The same for the list overload.</summary>
    public double ListGrowth => Sizes[^1].List.MicrosecondsPerCall / Sizes[0].List.MicrosecondsPerCall;

    /// <summary>Both Select shapes at one size.</summary>
    /// <param name="N">Registered sockets, 10 of them ready.</param>
    /// <param name="Span"><c>Select(span, 0)</c>, which allocates nothing.</param>
    /// <param name="List"><c>Select(0)</c>, a new list per call.</param>
    public readonly record struct Size(int N, SelectTimer.Timing Span, SelectTimer.Timing List);
}
