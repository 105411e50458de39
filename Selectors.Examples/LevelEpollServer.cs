using System.IO;
using System.Net;
using System.Net.Sockets;
using Selectors.Epoll;

namespace Selectors.Examples;

/// <summary>
/// The classic Python epoll server, written against <c>select.epoll</c> and ported onto <see cref="EpollInstance"/>:
/// level-triggered, EPOLLIN to read, EPOLLOUT while output waits, unregister and close on hang-up or end of file.
/// </summary>
internal sealed class LevelEpollServer : ReadinessServer
{
    private readonly EpollInstance _epoll = new();

    /// <summary>Listens on <paramref name="endpoint"/> and answers with <paramref name="protocol"/>.</summary>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public LevelEpollServer(IPEndPoint endpoint, Protocol protocol, TextWriter? log)
        : base(endpoint, protocol, log)
    {
    }

    /// <inheritdoc />
    public override string Backend => "Epoll";

    /// <inheritdoc />
    protected override void Watch(Socket socket, bool read, bool write) => _epoll.Register((int)socket.Handle, Mask(read, write));

    /// <inheritdoc />
    protected override void Rewatch(Socket socket, bool read, bool write) => _epoll.Modify((int)socket.Handle, Mask(read, write));

    /// <inheritdoc />
    protected override void Forget(Socket socket) => _epoll.Unregister((int)socket.Handle);

    /// <inheritdoc />
    protected override void WaitOnce()
    {
        // epoll.poll(): no timeout, Python's default maxevents; what is not reported now is reported by the next wait.
        foreach (var (fd, events) in _epoll.Poll())
        {
            Dispatch(
                fd,
                readable: (events & (EpollEvents.In | EpollEvents.Pri)) != 0,
                writable: (events & EpollEvents.Out) != 0,
                hangUp: (events & (EpollEvents.Hup | EpollEvents.Err)) != 0);
        }
    }

    /// <inheritdoc />
    protected override void DisposeBackend() => _epoll.Dispose();

    private static EpollEvents Mask(bool read, bool write) =>
        (read ? EpollEvents.In : EpollEvents.None) | (write ? EpollEvents.Out : EpollEvents.None);
}
