using System;
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
    /// <param name="endpoint">Where to listen; port 0 lets the OS choose.</param>
    /// <param name="protocol">What to answer.</param>
    /// <param name="log">Where to write one line per connect and close, or null.</param>
    /// <param name="errors">Where to report running out of descriptors.</param>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public PollServer(IPEndPoint endpoint, Protocol protocol, TextWriter? log, TextWriter errors)
        : base(endpoint, protocol, log, errors)
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
    protected override void WaitOnce(TimeSpan? timeout)
    {
        // Rounded up: rounding down would wake the loop just before a deadline, to wait again.
        foreach (var (fd, events) in _poller.Poll(timeout is TimeSpan t ? (int)Math.Ceiling(t.TotalMilliseconds) : -1))
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
