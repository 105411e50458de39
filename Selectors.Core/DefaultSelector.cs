using System;
using System.Linq;

namespace Selectors;

/// <summary>
/// The best selector for this platform (Python's <c>selectors.DefaultSelector</c>): epoll on Linux, poll on other
/// Unix, select on Windows. As CPython does, each candidate is tried once before it is chosen, so a kernel without
/// epoll falls back to poll. The environment variable <see cref="BackendVariable"/> (<c>epoll</c>, <c>poll</c> or
/// <c>select</c>) overrides the choice; <see cref="BaseSelector.Backend"/> tells which was taken.
/// </summary>
public sealed class DefaultSelector : BaseSelector
{
    /// <summary>The environment variable that forces a backend: <c>SELECTORS_BACKEND=epoll|poll|select</c>.</summary>
    public const string BackendVariable = "SELECTORS_BACKEND";

    private static readonly Lazy<SelectorBackend> s_chosen = new(() => Choose(Environment.GetEnvironmentVariable(BackendVariable)));

    /// <summary>Creates a selector on <see cref="ChosenBackend"/>.</summary>
    /// <exception cref="InvalidOperationException"><see cref="BackendVariable"/> names no backend.</exception>
    /// <exception cref="UnixSystemCallException">The backend's OS object could not be created.</exception>
    public DefaultSelector() : base(SelectorBackends.CreateEngine(ChosenBackend))
    {
    }

    /// <summary>A default selector on a given backend, as another platform would choose it (for tests).</summary>
    internal DefaultSelector(SelectorBackend backend) : base(SelectorBackends.CreateEngine(backend))
    {
    }

    /// <summary>The backend every <see cref="DefaultSelector"/> in this process uses, chosen on first use.</summary>
    /// <exception cref="InvalidOperationException"><see cref="BackendVariable"/> names no backend.</exception>
    public static SelectorBackend ChosenBackend => s_chosen.Value;

    /// <summary>
    /// Starts watching <paramref name="fileObject"/>, edge-triggered and/or one-shot if asked (beyond Python); only
    /// when the chosen backend is epoll.
    /// </summary>
    /// <param name="fileObject">The object to watch.</param>
    /// <param name="events"><see cref="SelectorEvents.Read"/>, <see cref="SelectorEvents.Write"/> or both.</param>
    /// <param name="data">Anything; it comes back in the key.</param>
    /// <param name="trigger">How readiness is reported; see <see cref="SelectorTrigger"/>.</param>
    /// <returns>The new key.</returns>
    /// <exception cref="NotSupportedException"><paramref name="trigger"/> is not <see cref="SelectorTrigger.Level"/> and the backend is not epoll.</exception>
    /// <inheritdoc cref="ISelector.Register" path="/exception" />
    public SelectorKey Register(object fileObject, SelectorEvents events, object? data, SelectorTrigger trigger) =>
        RegisterCore(fileObject, events, data, trigger);

    /// <summary>Changes events, data and trigger of a registration; re-arms a one-shot one (epoll only, beyond Python).</summary>
    /// <param name="fileObject">The registered object.</param>
    /// <param name="events">The new events.</param>
    /// <param name="data">The new data.</param>
    /// <param name="trigger">The new trigger mode.</param>
    /// <returns>The key now registered.</returns>
    /// <exception cref="NotSupportedException"><paramref name="trigger"/> is not <see cref="SelectorTrigger.Level"/> and the backend is not epoll.</exception>
    /// <inheritdoc cref="ISelector.Modify" path="/exception" />
    public SelectorKey Modify(object fileObject, SelectorEvents events, object? data, SelectorTrigger trigger) =>
        ModifyCore(fileObject, events, data, trigger);

    /// <summary>The backend for an override value (null or empty: the first of <see cref="SelectorBackends.All"/> available here).</summary>
    internal static SelectorBackend Choose(string? overrideValue)
    {
        if (string.IsNullOrWhiteSpace(overrideValue))
        {
            return SelectorBackends.All.First(SelectorBackends.IsAvailable);
        }

        return SelectorBackends.TryParse(overrideValue, out SelectorBackend backend)
            ? backend
            : throw new InvalidOperationException(
                $"{BackendVariable}='{overrideValue}' names no backend; use {string.Join(", ", SelectorBackends.Names)}.");
    }
}
