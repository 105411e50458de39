using Selectors.Engines;

namespace Selectors;

/// <summary>
/// A selector on Linux epoll (Python's <c>selectors.EpollSelector</c>). Registrations live in the kernel, so epoll
/// refuses what it cannot watch at <see cref="BaseSelector.Register"/>: regular files (EPERM) and closed descriptors (EBADF).
/// </summary>
public sealed class EpollSelector : BaseSelector
{
    /// <summary>Creates an epoll instance (close-on-exec).</summary>
    /// <exception cref="UnixSystemCallException">epoll_create1 failed (EMFILE, ENFILE, ENOMEM).</exception>
    /// <exception cref="System.EntryPointNotFoundException">This is not Linux: the C library has no epoll.</exception>
    public EpollSelector() : base(new EpollEngine())
    {
    }

    /// <summary>Starts watching <paramref name="fileObject"/>, edge-triggered and/or one-shot if asked (beyond Python).</summary>
    /// <param name="fileObject">The object to watch.</param>
    /// <param name="events"><see cref="SelectorEvents.Read"/>, <see cref="SelectorEvents.Write"/> or both.</param>
    /// <param name="data">Anything; it comes back in the key.</param>
    /// <param name="trigger">How readiness is reported; see <see cref="SelectorTrigger"/> for the draining rules.</param>
    /// <returns>The new key.</returns>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="events"/> or <paramref name="trigger"/> has unknown bits.</exception>
    /// <inheritdoc cref="ISelector.Register" path="/exception" />
    public SelectorKey Register(object fileObject, SelectorEvents events, object? data, SelectorTrigger trigger) =>
        RegisterCore(fileObject, events, data, trigger);

    /// <summary>Changes events, data and trigger of a registration; re-arms a one-shot registration (beyond Python).</summary>
    /// <param name="fileObject">The registered object.</param>
    /// <param name="events">The new events.</param>
    /// <param name="data">The new data.</param>
    /// <param name="trigger">The new trigger mode.</param>
    /// <returns>The key now registered.</returns>
    /// <inheritdoc cref="ISelector.Modify" path="/exception" />
    public SelectorKey Modify(object fileObject, SelectorEvents events, object? data, SelectorTrigger trigger) =>
        ModifyCore(fileObject, events, data, trigger);

    /// <summary>The epoll descriptor (Python's <c>fileno()</c>).</summary>
    /// <exception cref="System.ObjectDisposedException">The selector is closed.</exception>
    public int Fileno() => ((EpollEngine)Engine).Fileno();
}
