using System;
using System.Collections.Generic;
using System.Net.Sockets;
using Selectors.Epoll;

namespace Selectors.Benchmarks.Micro;

/// <summary>
/// The .NET side of the microbenchmarks, in this process: the library's selectors (both Select shapes), the lower
/// layer's <see cref="EpollInstance.Wait"/>, and what C# programmers use today, <see cref="Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, int)"/>
/// with its list rebuilt per call. Same N, same 10 ready, same zero timeout as the C and CPython loops.
/// </summary>
internal static class DotnetMicro
{
    public const int Ready = 10;

    private static readonly HashSet<string> Warmed = [];

    /// <summary>Select cost per call for every .NET target at <paramref name="n"/> registered descriptors.</summary>
    public static List<MicroResult> SelectCosts(int n, double seconds)
    {
        var results = new List<MicroResult>();
        using var fixture = new UdpFixture(n, Ready);
        var buffer = new (SelectorKey Key, SelectorEvents Events)[n];

        using (var epoll = Registered(new EpollSelector(), fixture))
        {
            results.Add(Run(MicroTargets.EpollSpan, n, () => epoll.Select(buffer, 0), seconds));
            results.Add(Run(MicroTargets.EpollList, n, () => WalkSelectList(epoll), seconds));
        }

        using (var instance = new EpollInstance())
        {
            foreach (Socket socket in fixture.Sockets)
            {
                instance.Register((int)socket.Handle, EpollEvents.In);
            }

            // Sized to N, as the selector and CPython size their buffers.
            var events = new EpollEvent[n];
            results.Add(Run(MicroTargets.EpollWait, n, () => instance.Wait(events, 0), seconds));
        }

        using (var poll = Registered(new PollSelector(), fixture))
        {
            results.Add(Run(MicroTargets.PollSpan, n, () => poll.Select(buffer, 0), seconds));
            results.Add(Run(MicroTargets.PollList, n, () => WalkSelectList(poll), seconds));
        }

        if (n <= 1000)
        {
            // select() is for small sets (FD_SETSIZE in C, O(N) lists in .NET): measured up to 1,000 only.
            using (var select = Registered(new SelectSelector(), fixture))
            {
                results.Add(Run(MicroTargets.SelectSpan, n, () => select.Select(buffer, 0), seconds));
                results.Add(Run(MicroTargets.SelectList, n, () => WalkSelectList(select), seconds));
            }

            var list = new List<Socket>(n);
            results.Add(Run(MicroTargets.SocketSelect, n, () =>
            {
                // A hand-written loop must refill the list every time: Socket.Select removes the sockets not ready.
                list.Clear();
                list.AddRange(fixture.Sockets);
                Socket.Select(list, null, null, 0);
                return list.Count;
            }, seconds));
        }

        foreach (MicroResult result in results)
        {
            CheckReadyCount(result, n);
        }

        return results;
    }

    /// <summary>
    /// The Python-shaped Select (zero timeout) walked as a user's loop walks it, <c>foreach (var (key, events) in
    /// selector.Select(0))</c>, reading each key's descriptor as C's loop reads each ready one. Returns the entries seen.
    /// </summary>
    public static int WalkSelectList(BaseSelector selector)
    {
        int seen = 0;
        foreach (var (key, events) in selector.Select(0))
        {
            if (key.Fd >= 0 && events != SelectorEvents.None)
            {
                seen++;
            }
        }

        return seen;
    }

    /// <summary>Register+Unregister of one idle socket (N = 0), on the selector and on the raw epoll instance.</summary>
    public static List<MicroResult> RegistrationCosts(double seconds)
    {
        using var fixture = new UdpFixture(0, 0);
        using var selector = new EpollSelector();
        using var instance = new EpollInstance();
        Socket spare = fixture.Spare;
        int fd = (int)spare.Handle;
        return
        [
            Run(MicroTargets.RegisterPair, 0, () =>
            {
                selector.Register(spare, SelectorEvents.Read);
                return selector.Unregister(spare).Fd;
            }, seconds),
            Run(MicroTargets.InstanceRegisterPair, 0, () =>
            {
                instance.Register(fd, EpollEvents.In);
                instance.Unregister(fd);
                return fd;
            }, seconds),
        ];
    }

    /// <summary>Managed bytes per registration on EpollSelector: allocated by Register, and still held after a full GC.</summary>
    public static (double Allocated, double Retained) BytesPerRegistration(int count)
    {
        using var fixture = new UdpFixture(count, 0);
        using var selector = new EpollSelector();
        long retained0 = GC.GetTotalMemory(forceFullCollection: true);
        long allocated0 = GC.GetAllocatedBytesForCurrentThread();
        foreach (Socket socket in fixture.Sockets)
        {
            selector.Register(socket, SelectorEvents.Read);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocated0;
        long retained = GC.GetTotalMemory(forceFullCollection: true) - retained0;
        GC.KeepAlive(selector);
        return ((double)allocated / count, (double)retained / count);
    }

    private static T Registered<T>(T selector, UdpFixture fixture)
        where T : BaseSelector
    {
        foreach (Socket socket in fixture.Sockets)
        {
            selector.Register(socket, SelectorEvents.Read);
        }

        return selector;
    }

    private static MicroResult Run(string target, int n, Func<int> operation, double seconds)
    {
        int ready = operation(); // also the check below: every target must see exactly the 10 ready sockets
        // The first run of a target pays for tiered compilation; later sizes run the same, already optimised, code.
        double warmup = Warmed.Add(target) ? (seconds < 0.5 ? 0.3 : 0.6) : 0.03;
        var (ns, bytes) = MicroTimer.Measure(operation, seconds, warmup);
        return new MicroResult(target, n, ns, bytes) { ReadyCount = ready };
    }

    private static void CheckReadyCount(MicroResult result, int n)
    {
        int expected = Math.Min(Ready, n);
        if (result.ReadyCount != expected)
        {
            throw new InvalidOperationException($"{result.Target} at N={n} saw {result.ReadyCount} ready, expected {expected}: the fixture is wrong.");
        }
    }
}
