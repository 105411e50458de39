using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Threading;

namespace Selectors.Tests.Support;

/// <summary>Creates the selector a fixture's argument names (see <see cref="BackendFixtures"/>).</summary>
internal static class SelectorFactory
{
    internal static BaseSelector Create(SelectorBackend backend) => SelectorBackends.Create(backend);

    /// <summary>
    /// The backend <see cref="DefaultSelector"/> promises this OS when nothing overrides it (docs/design.md, spec Q1): epoll
    /// on Linux, select on Windows, poll on other Unix.
    /// </summary>
    internal static SelectorBackend PlatformDefault =>
        OperatingSystem.IsLinux() ? SelectorBackend.Epoll : OperatingSystem.IsWindows() ? SelectorBackend.Select : SelectorBackend.Poll;

    /// <summary>
    /// A selector by fixture name: a backend's name, <c>Default</c>, or <c>PollPipe</c> (the poll selector with the pipe
    /// waker that Unix without eventfd uses, run here on Linux).
    /// </summary>
    internal static BaseSelector Create(string name) => name switch
    {
        BackendFixtures.Default => new DefaultSelector(),
        BackendFixtures.PollPipe => new PollSelector(new Selectors.Wakers.PipeWaker()),
        _ => Create(SelectorBackends.Parse(name)),
    };

    /// <summary>Writes one byte on <paramref name="socket"/> from a background thread after <paramref name="delay"/>.</summary>
    internal static Thread WriteLater(Socket socket, TimeSpan delay)
    {
        var thread = new Thread(() =>
        {
            Thread.Sleep(delay);
            SendOneByteFromBackground(socket);
        })
        { IsBackground = true, Name = "delayed writer" };
        thread.Start();
        return thread;
    }

    /// <summary>
    /// Sends one byte on <paramref name="socket"/> from a test's background thread, unless the test has already ended
    /// (failed) and disposed the socket: an exception on a background thread would end the whole test process, and with
    /// it every later test, not just the one that failed.
    /// </summary>
    internal static void SendOneByteFromBackground(Socket socket)
    {
        try
        {
            socket.Send(new byte[] { 42 });
        }
        catch (ObjectDisposedException)
        {
            // The test is over; its failure is already reported.
        }
    }
}

/// <summary>Reads the kernel's interest list of an epoll descriptor from /proc/self/fdinfo.</summary>
internal static class EpollFdInfo
{
    /// <summary>EPOLLIN | EPOLLOUT: the bits the selector asks for (the kernel adds EPOLLERR | EPOLLHUP itself).</summary>
    internal const uint InOut = 0x1 | 0x4;

    /// <summary>
    /// fd -> requested events (masked to IN|OUT) of every entry (<c>tfd: N events: HEX data: HEX</c>) of
    /// <paramref name="epollFd"/>, except the selector's own waker (data all ones).
    /// </summary>
    internal static Dictionary<int, uint> Read(int epollFd)
    {
        var result = new Dictionary<int, uint>();
        foreach (string line in File.ReadAllLines($"/proc/self/fdinfo/{epollFd}"))
        {
            string[] parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            bool waker = parts.Length >= 6 && parts[4] == "data:" && parts[5] == "ffffffffffffffff";
            if (parts.Length >= 4 && parts[0] == "tfd:" && parts[2] == "events:" && !waker)
            {
                int fd = int.Parse(parts[1], CultureInfo.InvariantCulture);
                uint events = uint.Parse(parts[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                result.Add(fd, events & InOut);
            }
        }

        return result;
    }

    /// <summary>What the kernel should hold for a selector's map: fd -> IN/OUT bits of the key's events.</summary>
    internal static Dictionary<int, uint> Expected(IReadOnlyDictionary<int, SelectorKey> map)
    {
        var result = new Dictionary<int, uint>();
        foreach (var (fd, key) in map)
        {
            result.Add(fd, ((key.Events & SelectorEvents.Read) != 0 ? 0x1u : 0) | ((key.Events & SelectorEvents.Write) != 0 ? 0x4u : 0));
        }

        return result;
    }
}
