namespace Selectors.Poll;

/// <summary>One ready descriptor from <see cref="PollSet.Poll(System.Span{PollResult}, int)"/>: Python's <c>(fd, revents)</c>.</summary>
/// <param name="Fd">The descriptor.</param>
/// <param name="Events">The returned events (<c>revents</c>).</param>
public readonly record struct PollResult(int Fd, PollEvents Events);
