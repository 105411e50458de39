using Selectors.Engines;

namespace Selectors;

/// <summary>
/// A selector on Linux epoll (Python's <c>selectors.EpollSelector</c>). Registrations live in the kernel, so epoll
/// refuses what it cannot watch at <see cref="BaseSelector.Register"/>: regular files (EPERM) and closed descriptors (EBADF).
/// </summary>
public sealed class EpollSelector : BaseSelector
{
    /// <summary>Creates an epoll instance (close-on-exec).</summary>
    /// <exception cref="Mono.Unix.UnixIOException">epoll_create1 failed (EMFILE, ENFILE, ENOMEM).</exception>
    /// <exception cref="System.EntryPointNotFoundException">This is not Linux: the C library has no epoll.</exception>
    public EpollSelector() : base(new EpollEngine())
    {
    }

    /// <summary>The epoll descriptor (Python's <c>fileno()</c>).</summary>
    /// <exception cref="System.ObjectDisposedException">The selector is closed.</exception>
    public int Fileno() => ((EpollEngine)Engine).Fileno();
}
