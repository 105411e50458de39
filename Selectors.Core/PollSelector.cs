using Selectors.Engines;

namespace Selectors;

/// <summary>
/// A selector on poll(2), for any Unix (Python's <c>selectors.PollSelector</c>). It keeps no kernel object: any
/// descriptor registers, and a closed one is reported ready (POLLNVAL) until it is unregistered.
/// </summary>
public sealed class PollSelector : BaseSelector
{
    /// <summary>Creates an empty poll selector.</summary>
    public PollSelector() : base(new PollEngine())
    {
    }
}
