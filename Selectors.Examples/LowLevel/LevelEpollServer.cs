using System;
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
    /// <param name="endpoint">Where to listen; port 0 lets the OS choose.</param>
    /// <param name="protocol">What to answer.</param>
    /// <param name="log">Where to write one line per connect and close, or null.</param>
    /// <param name="errors">Where to report running out of descriptors.</param>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public LevelEpollServer(IPEndPoint endpoint, Protocol protocol, TextWriter? log, TextWriter errors)
        : base(endpoint, protocol, log, errors)
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
    protected override void WaitOnce(TimeSpan? timeout)
    {
        // epoll.poll(timeout), Python's default maxevents; what is not reported now is reported by the next wait.
        foreach (var (fd, events) in _epoll.Poll(timeout?.TotalSeconds ?? -1))
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
