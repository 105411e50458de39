using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// The loop the http and chat examples share, in the shape of Python's selectors programs: one thread, one selector,
/// a callback in each key's data (<c>Action&lt;SelectorEvents&gt;</c>), plus the timers of a <see cref="DeadlineQueue{T}"/>
/// whose nearest deadline bounds each <c>Select</c>. It owns the listener and the connections, and closes them all in
/// <see cref="Dispose"/>; the selector belongs to the caller.
/// </summary>
internal sealed class ServerLoop : IListeningLoop
{
    // Accepting several connections per wake-up keeps a connect burst from costing one Select each; the bound keeps
    // a flood of connects from starving the connections already open.
    private const int AcceptsPerWakeUp = 64;

    private readonly Action<SelectorEvents> _onAcceptable;
    private readonly Socket _listener;
    private readonly Func<ServerLoop, Socket, Connection> _accept;
    private readonly AcceptBackOff _acceptBackOff;

    /// <summary>Listens on <paramref name="endpoint"/> and registers the listener.</summary>
    /// <param name="selector">The selector to run on.</param>
    /// <param name="endpoint">Where to listen; port 0 lets the OS choose (see <see cref="LocalEndPoint"/>).</param>
    /// <param name="settings">Backlog, TCP_NODELAY, idle timeout, SO_REUSEPORT.</param>
    /// <param name="accept">Makes the connection object for an accepted non-blocking socket; it registers itself.</param>
    /// <param name="log">Where connections write one line per connect and close, or null.</param>
    /// <param name="errors">Where the loop reports operating problems, such as running out of descriptors. Taken now,
    /// because <see cref="Console.Error"/> opens a descriptor the first time it is used, which fails once they ran out.</param>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public ServerLoop(ISelector selector, IPEndPoint endpoint, ServerSettings settings, Func<ServerLoop, Socket, Connection> accept, TextWriter? log, TextWriter errors)
    {
        _acceptBackOff = new AcceptBackOff(errors);
        Selector = selector;
        Settings = settings;
        Log = log;
        _accept = accept;
        _onAcceptable = _ => Accept();
        _listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (settings.ReusePort)
            {
                ReusePort.Enable(_listener);
            }

            _listener.Bind(endpoint);
            _listener.Listen(settings.Backlog);
            // Non-blocking, so a client that disconnects between Select and Accept cannot stall the whole loop.
            _listener.Blocking = false;
            Selector.Register(_listener, SelectorEvents.Read, _onAcceptable);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
    }

    /// <summary>The selector every connection registers with.</summary>
    public ISelector Selector { get; }

    /// <summary>The settings the loop was made with.</summary>
    public ServerSettings Settings { get; }

    /// <summary>Where connections log their connect and close, or null.</summary>
    public TextWriter? Log { get; }

    /// <summary>The connections' timers (idle, and the http request head's): the loop calls
    /// <see cref="Connection.OnTimeout"/> on a connection past its deadline.</summary>
    public DeadlineQueue<Connection> Timers { get; } = new();

    /// <summary>The address the server listens on, with the port the OS chose.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>The connections accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Serves until <paramref name="stop"/> is requested.</summary>
    public void Run(StopSignal stop)
    {
        Selector.Register(stop.WakeUp, SelectorEvents.Read, (Action<SelectorEvents>)(_ => stop.Drain()));
        try
        {
            while (!stop.IsRequested)
            {
                // Wait for I/O, but no longer than until the nearest deadline or the end of an accept pause (forever
                // when there is none): the wake-up socket ends the wait when a stop is requested.
                long now = DeadlineQueue<Connection>.Now;
                foreach (var (key, events) in Selector.Select(_acceptBackOff.Bound(Timers.TimeUntilNext(now))))
                {
                    ((Action<SelectorEvents>)key.Data!)(events);
                }

                foreach (Connection late in Timers.TakeExpired(DeadlineQueue<Connection>.Now))
                {
                    late.OnTimeout();
                }

                if (_acceptBackOff.TryResume())
                {
                    Selector.Register(_listener, SelectorEvents.Read, _onAcceptable);
                }
            }
        }
        finally
        {
            Selector.Unregister(stop.WakeUp); // It belongs to the StopSignal, not to this loop.
        }
    }

    /// <summary>Closes every connection, then the listener.</summary>
    public void Dispose()
    {
        // The selector's map is the list of connections: each key's callback is bound to its Connection. Copy it
        // first, since closing unregisters and the live map must not change under enumeration.
        List<Connection> open = Selector.GetMap().Values
            .Select(key => key.Data)
            .OfType<Action<SelectorEvents>>()
            .Select(callback => callback.Target)
            .OfType<Connection>()
            .ToList();
        foreach (Connection connection in open)
        {
            connection.Close("server stopping");
        }

        if (!_acceptBackOff.IsPaused)
        {
            Selector.Unregister(_listener);
        }

        _listener.Dispose();
    }

    private void Accept()
    {
        for (int i = 0; i < AcceptsPerWakeUp; i++)
        {
            if (_acceptBackOff.TryAccept(_listener, out Socket? client) == AcceptBackOff.Outcome.Paused)
            {
                Selector.Unregister(_listener); // the waiting clients stay in the backlog, the connections go on
            }

            if (client is null)
            {
                return; // none waiting, the client left (readiness was a hint), or paused
            }


            client.Blocking = false;
            if (Settings.NoDelay)
            {
                client.NoDelay = true;
            }

            _accept(this, client); // The selector keeps the connection, through the callback in its key.
            Accepted++;
        }
    }
}
