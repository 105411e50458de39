using Selectors.Engines;

namespace Selectors;

/// <summary>
/// A selector on poll(2), for any Unix (Python's <c>selectors.PollSelector</c>). It keeps no kernel object: any
/// descriptor registers, and a closed one is reported ready (POLLNVAL) until it is unregistered. Another thread's
/// Register, Modify or Unregister wakes a blocked Select, which polls again with the change.
/// </summary>
public sealed class PollSelector : BaseSelector
{
    /// <summary>Creates an empty poll selector.</summary>
    public PollSelector() : base(new PollEngine())
    {
    }

    /// <summary>A poll selector woken through <paramref name="waker"/>: lets tests run the pipe waker of other Unix on Linux.</summary>
    internal PollSelector(Wakers.DescriptorWaker waker) : base(new PollEngine(waker))
    {
    }
}
