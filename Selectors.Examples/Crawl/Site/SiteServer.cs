using System;
using System.IO;
using System.Net;
using System.Threading;

namespace Selectors.Examples.Crawl.Site;

/// <summary>
/// The site the crawl demo crawls when given no URL: an HTTP/1.1 server for <see cref="SitePages"/> on an ephemeral
/// 127.0.0.1 port, on the examples' shared <see cref="ServerLoop"/>, with its own selector on its own thread (a
/// selector is used from one thread). <see cref="Dispose"/> stops that thread, which closes every socket it owns.
/// </summary>
internal sealed class SiteServer : IDisposable
{
    private readonly BaseSelector _selector;
    private readonly ServerLoop _loop;
    private readonly StopSignal _stop;
    private readonly Thread _thread;

    /// <summary>Listens on 127.0.0.1 (any free port) and starts serving <paramref name="pageCount"/> pages on a <paramref name="backend"/> selector.</summary>
    public SiteServer(string backend, int pageCount, TextWriter errors)
    {
        _selector = SelectorFactory.Create(backend);
        try
        {
            // The loop's stop: Dispose requests it from the crawler's thread, and its wake-up socket ends the server's
            // Select at once. (It also answers Ctrl+C and SIGTERM, which stop the whole program anyway.)
            _stop = new StopSignal();
            // The pages' full-URL links need the port, known once the loop listens; the factory reads `pages` only
            // when a client connects, after the thread below has started.
            SitePages? pages = null;
            var settings = new ServerSettings(Backlog: 512, NoDelay: true, IdleTimeout: TimeSpan.FromSeconds(30));
            _loop = new ServerLoop(_selector, new IPEndPoint(IPAddress.Loopback, 0), settings, (loop, socket) => new SiteConnection(loop, socket, pages!), log: null, errors);
            string authority = $"{_loop.LocalEndPoint.Address}:{_loop.LocalEndPoint.Port}";
            pages = new SitePages(pageCount, authority);
            RootUrl = new Uri($"http://{authority}/");
        }
        catch
        {
            _stop?.Dispose();
            _selector.Dispose();
            throw;
        }

        _thread = new Thread(Serve) { IsBackground = true, Name = "site server" };
        _thread.Start();
    }

    /// <summary>The home page, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri RootUrl { get; }

    /// <summary>Stops the server's thread (bounded wait), then closes the selector.</summary>
    public void Dispose()
    {
        _stop.Request("crawl finished");
        if (_thread.Join(TimeSpan.FromSeconds(10)))
        {
            // Only once the thread is gone: the selector belongs to it until then.
            _selector.Dispose();
            _stop.Dispose();
        }
    }

    private void Serve()
    {
        try
        {
            _loop.Run(_stop);
        }
        finally
        {
            _loop.Dispose(); // On this thread: closes every connection, then the listener.
        }
    }
}
