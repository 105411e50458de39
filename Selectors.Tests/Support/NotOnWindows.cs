namespace Selectors.Tests.Support;

/// <summary>
/// Why a test cannot apply on Windows, for <c>[Platform(Exclude = "Win", Reason = NotOnWindows.X)]</c>: one wording
/// per reason, shared by every test it excludes. Windows runs the select backend only (the default there), over sockets.
/// </summary>
internal static class NotOnWindows
{
    internal const string Pipes = "pipes are Unix descriptors: the fixtures make none on Windows, where select watches sockets only";

    internal const string LowestNumberReused =
        "the test relies on Unix handing out the lowest free descriptor number again; Windows promises no order for socket handles";

    internal const string Dup = "the test calls dup(2), which is Unix's (Windows duplicates a socket with WSADuplicateSocket)";

    internal const string Epoll = "epoll is Linux's";

    internal const string Poll = "poll(2) is Unix's (Windows has WSAPoll, which the poll backend does not use)";

    internal const string UnixSockets = "AF_UNIX socket pairs: Peers.SocketPair is loopback TCP on Windows, so this case would repeat the tcp one";

    internal const string KillSignal = "the peer process is killed with SIGKILL, a POSIX signal, and python3 is started as a Unix child";
}
