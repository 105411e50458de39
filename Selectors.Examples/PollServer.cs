using System.IO;
using System.Net;
using System.Net.Sockets;
using Selectors.Poll;

namespace Selectors.Examples;

/// <summary>
/// The classic Python poll server (PyMOTW's <c>select.poll</c> example) on <see cref="PollSet"/>: READ_ONLY
/// (POLLIN | POLLPRI | POLLHUP | POLLERR) for each connection, READ_WRITE while its output queue is not empty.
/// </summary>
internal sealed class PollServer : ReadinessServer
{
    private const PollEvents ReadOnly = PollEvents.In | PollEvents.Pri | PollEvents.Hup | PollEvents.Err;
    private readonly PollSet _poller = new();

    /// <summary>Listens on <paramref name="endpoint"/> and answers with <paramref name="protocol"/>.</summary>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public PollServer(IPEndPoint endpoint, Protocol protocol, TextWriter? log)
        : base(endpoint, protocol, log)
    {
    }

    /// <inheritdoc />
    public override string Backend => "Poll";

    /// <inheritdoc />
    protected override void Watch(Socket socket, bool read, bool write) => _poller.Register((int)socket.Handle, Mask(read, write));

    /// <inheritdoc />
    protected override void Rewatch(Socket socket, bool read, bool write) => _poller.Modify((int)socket.Handle, Mask(read, write));

    /// <inheritdoc />
    protected override void Forget(Socket socket) => _poller.Unregister((int)socket.Handle);

    /// <inheritdoc />
    protected override void WaitOnce()
    {
        foreach (var (fd, events) in _poller.Poll())
        {
            Dispatch(
                fd,
                readable: (events & (PollEvents.In | PollEvents.Pri)) != 0,
                writable: (events & PollEvents.Out) != 0,
                hangUp: (events & (PollEvents.Hup | PollEvents.Err | PollEvents.Nval)) != 0);
        }
    }

    private static PollEvents Mask(bool read, bool write) =>
        (read ? ReadOnly : PollEvents.Hup | PollEvents.Err) | (write ? PollEvents.Out : PollEvents.None);
}
