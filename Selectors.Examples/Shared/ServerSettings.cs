using System;

namespace Selectors.Examples;

/// <summary>How a <see cref="ServerLoop"/> listens and treats accepted sockets.</summary>
/// <param name="Backlog">The listen backlog (the kernel caps it at net.core.somaxconn).</param>
/// <param name="NoDelay">Whether accepted sockets get TCP_NODELAY, so small responses leave without Nagle's delay.</param>
/// <param name="IdleTimeout">How long a connection may do nothing before it is closed, or null for never.</param>
/// <param name="ReusePort">Whether the listener sets SO_REUSEPORT, to share its port with the other loops of a <see cref="LoopGroup"/>.</param>
internal sealed record ServerSettings(int Backlog, bool NoDelay, TimeSpan? IdleTimeout, bool ReusePort = false);
