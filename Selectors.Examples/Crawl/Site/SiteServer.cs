using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace Selectors.Examples.Crawl.Site;

/// <summary>
/// The site the crawl demo crawls when given no URL: an HTTP/1.1 server for <see cref="SitePages"/> on an ephemeral
/// 127.0.0.1 port, on the same selector library, with its own selector and <see cref="EventLoop"/> on its own thread
/// (a selector is used from one thread). <see cref="Dispose"/> stops the thread, which closes every socket it owns.
/// </summary>
internal sealed class SiteServer : IDisposable
{
    // How often the server's loop checks for a stop; the only cross-thread signal it needs, so a flag is enough.
    private static readonly TimeSpan StopCheck = TimeSpan.FromMilliseconds(50);

    private readonly BaseSelector _selector;
    private readonly Socket _listener;
    private readonly Thread _thread;
    private readonly SitePages _pages;
    private volatile bool _stopping;

    /// <summary>Listens on 127.0.0.1 (any free port) and starts serving <paramref name="pageCount"/> pages on a <paramref name="backend"/> selector.</summary>
    public SiteServer(string backend, int pageCount)
    {
        _selector = SelectorFactory.Create(backend);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(512);
            _listener.Blocking = false; // A client that leaves between Select and Accept must not stall the loop.
        }
        catch
        {
            _listener.Dispose();
            _selector.Dispose();
            throw;
        }

        var endpoint = (IPEndPoint)_listener.LocalEndPoint!;
        _pages = new SitePages(pageCount, $"{endpoint.Address}:{endpoint.Port}");
        RootUrl = new Uri($"http://{endpoint.Address}:{endpoint.Port}/");
        _thread = new Thread(Serve) { IsBackground = true, Name = "site server" };
        _thread.Start();
    }

    /// <summary>The home page, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri RootUrl { get; }

    /// <summary>Stops the server's thread (bounded wait) and closes the listener and the selector.</summary>
    public void Dispose()
    {
        _stopping = true;
        if (_thread.Join(TimeSpan.FromSeconds(10)))
        {
            // Only once the thread is gone: the selector and its sockets belong to it until then.
            _listener.Dispose();
            _selector.Dispose();
        }
    }

    private void Serve()
    {
        var loop = new EventLoop(_selector);
        _selector.Register(_listener, SelectorEvents.Read, (Action<SelectorEvents>)(_ => Accept()));
        try
        {
            while (!_stopping)
            {
                loop.RunOnce(StopCheck);
            }
        }
        finally
        {
            foreach (SelectorKey key in _selector.GetMap().Values.ToList())
            {
                if (key.Data is Action<SelectorEvents> { Target: SiteConnection connection })
                {
                    connection.Close();
                }
            }

            _selector.Unregister(_listener);
        }
    }

    private void Accept()
    {
        // Several per wake-up: a crawler opens up to --concurrency connections at once.
        for (int i = 0; i < 64; i++)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                return;
            }

            client.Blocking = false;
            client.NoDelay = true;
            try
            {
                _ = new SiteConnection(_selector, client, _pages); // Kept alive by the callback in its key.
            }
            catch (Exception e) when (e is ArgumentException or IOException)
            {
                client.Dispose(); // The selector would not take it (select's FD_SETSIZE): the client sees a reset.
            }
        }
    }
}
