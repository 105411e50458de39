using System;
using System.Net;

namespace Selectors.Examples;

/// <summary>
/// One selector loop that owns a listener (<see cref="EchoServer"/>, <see cref="ServerLoop"/>): what
/// <see cref="LoopGroup"/> needs to run several on one port. Dispose closes its connections and its listener.
/// </summary>
internal interface IListeningLoop : IDisposable
{
    /// <summary>The address it listens on, with the port the OS chose.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>The connections it has accepted so far; read by another thread only after <see cref="Run"/> returned.</summary>
    int Accepted { get; }

    /// <summary>Serves until <paramref name="stop"/> is requested.</summary>
    void Run(StopSignal stop);
}
