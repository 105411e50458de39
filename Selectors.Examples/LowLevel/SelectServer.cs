using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using Selectors.Select;

namespace Selectors.Examples;

/// <summary>
/// The classic Python select server (PyMOTW's <c>select.select</c> example) on <see cref="SocketSelect"/>: the
/// <c>inputs</c> and <c>outputs</c> lists, rebuilt into each call, with <c>inputs</c> also watched for exceptional
/// conditions; a connection is in <c>outputs</c> while its queue holds something.
/// </summary>
internal sealed class SelectServer : ReadinessServer
{
    private readonly List<Socket> _inputs = new();
    private readonly List<Socket> _outputs = new();

    /// <summary>Listens on <paramref name="endpoint"/> and answers with <paramref name="protocol"/>.</summary>
    /// <param name="endpoint">Where to listen; port 0 lets the OS choose.</param>
    /// <param name="protocol">What to answer.</param>
    /// <param name="log">Where to write one line per connect and close, or null.</param>
    /// <param name="errors">Where to report running out of descriptors.</param>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public SelectServer(IPEndPoint endpoint, Protocol protocol, TextWriter? log, TextWriter errors)
        : base(endpoint, protocol, log, errors)
    {
    }

    /// <inheritdoc />
    public override string Backend => "Select";

    /// <inheritdoc />
    protected override void Watch(Socket socket, bool read, bool write) => Rewatch(socket, read, write);

    /// <inheritdoc />
    protected override void Rewatch(Socket socket, bool read, bool write)
    {
        Place(_inputs, socket, read);
        Place(_outputs, socket, write);
    }

    /// <inheritdoc />
    protected override void Forget(Socket socket) => Rewatch(socket, read: false, write: false);

    /// <inheritdoc />
    protected override void WaitOnce(TimeSpan? timeout)
    {
        // readable, writable, exceptional = select.select(inputs, outputs, inputs, timeout); the lists are not modified.
        var (readable, writable, exceptional) = SocketSelect.Select(_inputs, _outputs, _inputs, timeout);
        foreach (Socket socket in readable.Concat(writable).Concat(exceptional).Distinct())
        {
            // One closed earlier in this batch is skipped: its old number may already belong to a new connection.
            if (!socket.SafeHandle.IsClosed)
            {
                Dispatch((int)socket.Handle, readable.Contains(socket), writable.Contains(socket), exceptional.Contains(socket));
            }
        }
    }

    private static void Place(List<Socket> list, Socket socket, bool present)
    {
        if (!present)
        {
            list.Remove(socket);
        }
        else if (!list.Contains(socket))
        {
            list.Add(socket);
        }
    }
}
