using System.Collections.Generic;
using System.Net.Sockets;

namespace Selectors.Select;

/// <summary>The three ready lists of <see cref="SocketSelect.Select(IEnumerable{Socket}?, IEnumerable{Socket}?, IEnumerable{Socket}?, System.TimeSpan?)"/>, deconstructible like Python's tuple.</summary>
/// <param name="Read">The sockets ready to read (or accept).</param>
/// <param name="Write">The sockets ready to write (or whose connect finished).</param>
/// <param name="Error">The sockets with an exceptional condition.</param>
public sealed record SocketSelectResult(IReadOnlyList<Socket> Read, IReadOnlyList<Socket> Write, IReadOnlyList<Socket> Error);
