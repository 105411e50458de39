using System;
using System.IO;
using System.Net;
using System.Threading;

namespace Selectors.Examples;

/// <summary>
/// The <c>echo</c> example's <see cref="EchoServer"/> on a selector of the caller's choice, running on its own thread,
/// so an in-process load client can drive it. Disposing stops the loop (through its own <see cref="StopSignal"/>)
/// and closes the server's sockets and the selector.
/// </summary>
internal sealed class BackgroundEchoServer : ILoopbackServer
{
    private readonly StopSignal _stop = new();
    private readonly BaseSelector _selector;
    private readonly EchoServer _server;
    private readonly Thread _loop;

    /// <summary>Listens on 127.0.0.1 (a port the OS chooses) with <paramref name="selector"/>, which it then owns.</summary>
    public BackgroundEchoServer(BaseSelector selector, TextWriter? log)
    {
        _selector = selector;
        _server = new EchoServer(selector, new IPEndPoint(IPAddress.Loopback, 0), log, Console.Error);
        _loop = new Thread(() => _server.Run(_stop)) { IsBackground = true, Name = $"{selector.Backend} loop" };
        _loop.Start();
    }

    /// <summary>The address clients connect to.</summary>
    public IPEndPoint LocalEndPoint => _server.LocalEndPoint;

    /// <summary>Stops the loop, waits for it, and closes everything, in reverse order of creation.</summary>
    public void Dispose()
    {
        _stop.Request("done");
        _loop.Join(TimeSpan.FromSeconds(10));
        _server.Dispose();
        _selector.Dispose();
        _stop.Dispose();
    }
}
