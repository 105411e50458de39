using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// The echo server from the documentation of Python's <c>selectors</c> module: one thread, one selector, and a
/// callback in each key's data (<c>sel.register(sock, EVENT_READ, accept)</c>), called by a loop the program writes.
/// </summary>
/// <remarks>
/// Python's version ignores partial sends; this one keeps each connection's unsent bytes and waits for
/// <see cref="SelectorEvents.Write"/> (see <see cref="EchoConnection"/>). The server owns its listener and connections
/// and closes them in <see cref="Dispose"/>; the selector belongs to the caller.
/// </remarks>
internal sealed class EchoServer : IListeningLoop
{
    /// <summary>The listen backlog: room for a burst of connects while the loop is busy (the kernel caps it at somaxconn).</summary>
    private const int Backlog = 1024;

    /// <summary>How many waiting clients one listener event accepts at most, so accepting can't starve the connections.</summary>
    private const int AcceptBatch = 64;

    private readonly ISelector _selector;
    private readonly Socket _listener;
    private readonly TextWriter? _log;
    private readonly AcceptBackOff _acceptBackOff;
    private readonly Action<Socket, SelectorEvents> _onAcceptable;

    /// <summary>Listens on <paramref name="endpoint"/> and registers the listener with <paramref name="selector"/>.</summary>
    /// <param name="selector">The selector to run on.</param>
    /// <param name="endpoint">Where to listen; port 0 lets the OS choose (see <see cref="LocalEndPoint"/>).</param>
    /// <param name="log">Where to write one line per connect and close, or null.</param>
    /// <param name="errors">Where to report running out of descriptors (see <see cref="AcceptBackOff"/>).</param>
    /// <param name="reusePort">Set SO_REUSEPORT, to share the port with the other loops of a <see cref="LoopGroup"/>.</param>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public EchoServer(ISelector selector, IPEndPoint endpoint, TextWriter? log, TextWriter errors, bool reusePort = false)
    {
        _selector = selector;
        _log = log;
        _acceptBackOff = new AcceptBackOff(errors);
        _onAcceptable = Accept;
        _listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (reusePort)
            {
                ReusePort.Enable(_listener);
            }

            _listener.Bind(endpoint);
            _listener.Listen(Backlog);
            // Non-blocking, so a client that disconnects between Select and Accept cannot stall the whole loop.
            _listener.Blocking = false;
            _selector.Register(_listener, SelectorEvents.Read, _onAcceptable);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
    }

    /// <summary>The address the server listens on, with the port the OS chose.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>The connections accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Serves until <paramref name="stop"/> is requested.</summary>
    public void Run(StopSignal stop)
    {
        _selector.Register(stop.WakeUp, SelectorEvents.Read, (Action<Socket, SelectorEvents>)((_, _) => stop.Drain()));
        try
        {
            while (!stop.IsRequested)
            {
                // No timeout but the end of an accept pause: the wake-up socket ends the wait when a stop is requested.
                foreach (var (key, events) in _selector.Select(_acceptBackOff.Bound(null)))
                {
                    var callback = (Action<Socket, SelectorEvents>)key.Data!;
                    callback((Socket)key.FileObject, events);
                }

                if (_acceptBackOff.TryResume())
                {
                    _selector.Register(_listener, SelectorEvents.Read, _onAcceptable);
                }
            }
        }
        finally
        {
            _selector.Unregister(stop.WakeUp); // It belongs to the StopSignal, not to this server.
        }
    }

    /// <summary>Closes every connection, then the listener.</summary>
    public void Dispose()
    {
        // Copy the map first: closing a connection unregisters it, and a live map must not change under enumeration.
        foreach (SelectorKey key in _selector.GetMap().Values.ToList())
        {
            // The selector's map is the list of connections: each key's callback is bound to its EchoConnection.
            if (key.Data is Action<Socket, SelectorEvents> { Target: EchoConnection connection })
            {
                connection.Close("server stopping");
            }
        }

        if (!_acceptBackOff.IsPaused)
        {
            _selector.Unregister(_listener);
        }

        _listener.Dispose();
    }

    private void Accept(Socket listener, SelectorEvents events)
    {
        // Up to a batch of waiting clients per event, as asyncio accepts up to its backlog: one per turn lets a burst of
        // connects overflow the listen backlog while the turn serves every other connection.
        for (int i = 0; i < AcceptBatch; i++)
        {
            if (!AcceptOne(listener))
            {
                return;
            }
        }
    }

    /// <summary>Accepts one client; false when there is none left (or accepting must pause).</summary>
    private bool AcceptOne(Socket listener)
    {
        AcceptBackOff.Outcome outcome = _acceptBackOff.TryAccept(listener, out Socket? client);
        if (outcome == AcceptBackOff.Outcome.Paused)
        {
            _selector.Unregister(listener); // the client waits in the backlog, the connections already open go on
        }

        if (client is null)
        {
            return outcome == AcceptBackOff.Outcome.ClientLeft;
        }

        client.Blocking = false;
        // An echo sends back each piece as it arrives: with Nagle, a small last piece would wait for the ACK of the
        // previous one, which the client delays (40 ms on Linux) while it waits for the rest of its message.
        client.NoDelay = true;
        _ = new EchoConnection(_selector, client, _log); // The selector keeps it, through the callback in the key.
        Accepted++;
        return true;
    }
}
