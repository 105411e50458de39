using Selectors.Engines;

namespace Selectors;

/// <summary>
/// A selector on <see cref="System.Net.Sockets.Socket.Select(System.Collections.IList?, System.Collections.IList?, System.Collections.IList?, int)"/>
/// (Python's <c>selectors.SelectSelector</c>): every platform, sockets only. A socket may be given as a
/// <see cref="System.Net.Sockets.Socket"/>, a descriptor, a <see cref="System.Runtime.InteropServices.SafeHandle"/> or an
/// <see cref="IFileObject"/>; anything else fails at registration with a <see cref="System.Net.Sockets.SocketException"/>.
/// </summary>
public sealed class SelectSelector : BaseSelector
{
    /// <summary>Creates an empty select selector.</summary>
    public SelectSelector() : base(new SelectEngine())
    {
    }
}
