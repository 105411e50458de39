using System;
using System.Net;

namespace Selectors.Examples;

/// <summary>A server of the <c>models</c> comparison: already listening on loopback, serving in the background until disposed.</summary>
internal interface ILoopbackServer : IDisposable
{
    /// <summary>The address clients connect to.</summary>
    IPEndPoint LocalEndPoint { get; }
}
