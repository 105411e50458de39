using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Selectors.Examples;

/// <summary>
/// One loop per core: N <see cref="IListeningLoop"/>s, each with its own selector, thread and listening socket, all bound
/// to one address and port with SO_REUSEPORT, so the kernel spreads incoming connections over them and no two threads
/// ever share a selector or a connection. With one loop there is no SO_REUSEPORT and no thread: the loop runs on the
/// caller's thread exactly as a single-loop server does.
/// </summary>
/// <remarks>
/// Loop 0 runs on the calling thread with the <see cref="StopSignal"/> that handles Ctrl+C and SIGTERM; every other loop
/// gets a <see cref="StopSignal.Branch"/>, so one signal stops them all. A loop that fails requests the stop too, and its
/// exception is rethrown once every loop has ended. Dispose closes each loop's sockets, then its selector.
/// </remarks>
internal sealed class LoopGroup : IDisposable
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(30);
    private readonly List<(BaseSelector Selector, IListeningLoop Loop)> _loops = [];

    /// <summary>Opens <paramref name="count"/> loops: the first on <paramref name="endpoint"/>, the rest on the port the first got.</summary>
    /// <param name="count">How many loops; 1 means no SO_REUSEPORT.</param>
    /// <param name="endpoint">Where to listen; port 0 lets the OS choose, once, for all of them.</param>
    /// <param name="newSelector">Makes each loop's selector; the group owns and disposes it.</param>
    /// <param name="open">Makes a loop on a selector and an endpoint; the flag says whether to set SO_REUSEPORT before binding.</param>
    /// <exception cref="SocketException">The address is in use (by a socket without SO_REUSEPORT, or of another user) or not local.</exception>
    public LoopGroup(int count, IPEndPoint endpoint, Func<BaseSelector> newSelector, Func<BaseSelector, IPEndPoint, bool, IListeningLoop> open)
    {
        try
        {
            for (int i = 0; i < count; i++)
            {
                BaseSelector selector = newSelector();
                try
                {
                    IPEndPoint at = i == 0 ? endpoint : new IPEndPoint(endpoint.Address, LocalEndPoint.Port);
                    _loops.Add((selector, open(selector, at, count > 1)));
                }
                catch
                {
                    selector.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>How many loops serve the port.</summary>
    public int Count => _loops.Count;

    /// <summary>The address every loop listens on.</summary>
    public IPEndPoint LocalEndPoint => _loops[0].Loop.LocalEndPoint;

    /// <summary>The backend of the selectors (they are all made alike).</summary>
    public SelectorBackend Backend => _loops[0].Selector.Backend;

    /// <summary>
    /// Announces the port as every server does (<see cref="ServerOptions"/>), serves until <paramref name="stop"/> is requested, and with several loops logs how many connections each one took.
    /// </summary>
    /// <returns>0, the exit code of a clean stop.</returns>
    public int Serve(StopSignal stop, TextWriter? log)
    {
        if (Count > 1)
        {
            log?.WriteLine($"{Count} loops on one port (SO_REUSEPORT), one thread each");
        }

        int exitCode = ServerOptions.Serve(LocalEndPoint, Backend.ToString(), () => Run(stop), stop, log);
        for (int i = 0; i < Count && Count > 1; i++)
        {
            log?.WriteLine($"loop {i}: {_loops[i].Loop.Accepted} connections");
        }

        return exitCode;
    }

    /// <summary>Runs loop 0 here and every other loop on its own thread, until <paramref name="stop"/> is requested.</summary>
    /// <exception cref="Exception">What a loop threw, after every loop has stopped.</exception>
    public void Run(StopSignal stop)
    {
        if (Count == 1)
        {
            _loops[0].Loop.Run(stop);
            return;
        }

        ExceptionDispatchInfo? failure = null;
        var threads = new List<Thread>();
        var branches = new List<StopSignal>();
        try
        {
            for (int i = 1; i < Count; i++)
            {
                StopSignal branch = stop.Branch();
                branches.Add(branch);
                IListeningLoop loop = _loops[i].Loop;
                int index = i;
                var thread = new Thread(() =>
                {
                    try
                    {
                        loop.Run(branch);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                        stop.Request($"loop {index} failed"); // Stops loop 0, which stops the other branches.
                    }
                })
                { Name = $"loop {i}" };
                threads.Add(thread);
                thread.Start();
            }

            _loops[0].Loop.Run(stop);
        }
        finally
        {
            // Loop 0 may have ended by an exception: make sure the others stop before anything is closed under them.
            stop.Request("loop 0 ended");
            foreach (Thread thread in threads)
            {
                thread.Join(JoinTimeout);
            }

            branches.ForEach(b => b.Dispose());
        }

        failure?.Throw();
    }

    /// <summary>Closes each loop's connections and listener, then its selector.</summary>
    public void Dispose()
    {
        foreach ((BaseSelector selector, IListeningLoop loop) in _loops)
        {
            loop.Dispose();
            selector.Dispose();
        }

        _loops.Clear();
    }
}
