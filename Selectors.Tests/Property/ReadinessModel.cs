using System.Collections.Generic;
using System.Linq;

namespace Selectors.Tests.Property;

/// <summary>What the model expects a call to do.</summary>
internal enum Expected
{
    /// <summary>The step does not apply in this state (e.g. a write to a closed endpoint); it is not run.</summary>
    Skip,
    Ok,
    ArgumentException,
    KeyNotFoundException,
}

/// <summary>
/// The reference model: per endpoint, what the selector holds for it and what the kernel would say about it, in a few
/// booleans and counters, with no OS call. The rules follow docs/design.md ("Select semantics": hang-up and error count as
/// both read and write, masked by the interest) and the Linux poll functions of each kind of descriptor:
/// <list type="bullet">
/// <item>a stream socket is writable while open (writes are kept small and few, so its send buffer never fills) and
/// readable when bytes are queued, its peer shut its write side, or its peer closed (then it also hangs up or errs,
/// which reads as both; it is writable anyway);</item>
/// <item>a pipe's read end is readable when bytes are queued and never writable, until the write end closes (hang-up:
/// both); the write end is writable and never readable, until the read end closes (error: both).</item>
/// </list>
/// </summary>
internal sealed class ReadinessModel
{
    /// <summary>Writes are refused (skipped) past these, which keeps every send buffer far from full.</summary>
    internal const int MaxQueuedBytes = 64;

    internal const int MaxQueuedWrites = 12;

    private readonly EndpointState[] _states;

    /// <param name="endpointCount">How many of <see cref="Endpoints"/> exist in this world.</param>
    /// <param name="closeRegisteredSupported">Whether to model closing a registered Socket or SafeHandle (see
    /// <see cref="CloseRegistered"/>).</param>
    internal ReadinessModel(int endpointCount, bool closeRegisteredSupported)
    {
        _states = Enumerable.Range(0, endpointCount).Select(_ => new EndpointState()).ToArray();
        CloseRegisteredSupported = closeRegisteredSupported;
    }

    internal bool CloseRegisteredSupported { get; }

    internal int Count => _states.Length;

    internal bool IsRegistered(int e) => _states[e].Registered;

    internal bool IsClosed(int e) => _states[e].Closed;

    internal SelectorEvents Interest(int e) => _states[e].Interest;

    internal object? Data(int e) => _states[e].Data;

    internal int Queued(int e) => _states[e].Queue.Sum();

    /// <summary>Whether the peer's descriptor is really closed (not just disposed while the selector holds it open).</summary>
    internal bool PeerGone(int e) => _states[Endpoints.Peer(e)] is { Closed: true, HeldOpen: false };

    internal bool PeerShutWrite(int e) => _states[Endpoints.Peer(e)].ShutWrite;

    /// <summary>A closed descriptor given as a bare number may already be someone else's: nothing touches it again.</summary>
    private bool Untouchable(int e) => e >= Count || (_states[e].Closed && Endpoints.IsNumber(e));

    internal Expected Register(int e, SelectorEvents events, object? data)
    {
        if (Untouchable(e))
        {
            return Expected.Skip;
        }

        EndpointState s = _states[e];

        // A closed object yields no descriptor, and one that is registered is registered: both refuse, as a bad mask does.
        if (!Valid(events) || s.Closed || s.Registered)
        {
            return Expected.ArgumentException;
        }

        s.Registered = true;
        s.Interest = events;
        s.Data = data;
        return Expected.Ok;
    }

    internal Expected Modify(int e, SelectorEvents events, object? data)
    {
        if (Untouchable(e) || (_states[e].Closed && _states[e].Registered))
        {
            return Expected.Skip; // modifying a closed registration is not part of the contract
        }

        EndpointState s = _states[e];

        // The library validates the mask before it looks the object up (docs/design.md, "The base and the engines": validation comes first).
        if (!Valid(events) || s.Closed)
        {
            return Expected.ArgumentException;
        }

        if (!s.Registered)
        {
            return Expected.KeyNotFoundException;
        }

        s.Interest = events;
        s.Data = data;
        return Expected.Ok;
    }

    internal Expected Unregister(int e)
    {
        Expected lookup = Lookup(e);
        if (lookup == Expected.Ok)
        {
            // The selector lets go of a disposed SafeHandle's last reference, which closes the descriptor only now.
            _states[e].HeldOpen = false;
            _states[e].Registered = false;
            _states[e].Interest = SelectorEvents.None;
            _states[e].Data = null;
        }

        return lookup;
    }

    internal Expected GetKey(int e) => Lookup(e);

    private Expected Lookup(int e)
    {
        if (Untouchable(e))
        {
            return Expected.Skip;
        }

        EndpointState s = _states[e];

        // A closed object that is still registered is found by reference (docs/design.md, "Descriptor reuse").
        return s.Registered ? Expected.Ok : s.Closed ? Expected.ArgumentException : Expected.KeyNotFoundException;
    }

    /// <summary>Queues <paramref name="count"/> bytes at the peer; skipped where a real write would fail or fill a buffer.</summary>
    internal Expected Write(int e, int count)
    {
        if (e >= Count || Endpoints.Kind(e) == EndpointKind.PipeRead)
        {
            return Expected.Skip;
        }

        EndpointState s = _states[e];
        EndpointState peer = _states[Endpoints.Peer(e)];
        if (s.Closed || s.ShutWrite || PeerGone(e) || peer.Queue.Count >= MaxQueuedWrites || peer.Queue.Sum() + count > MaxQueuedBytes)
        {
            return Expected.Skip;
        }

        peer.Queue.Add(count);
        return Expected.Ok;
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> queued bytes and returns how many a read must return, or -1 when it skips:
    /// an empty queue (the read would block or see end-of-file, which the selects already cover).
    /// </summary>
    internal int Read(int e, int count)
    {
        if (e >= Count || Endpoints.Kind(e) == EndpointKind.PipeWrite || _states[e].Closed || _states[e].Queue.Count == 0)
        {
            return -1;
        }

        List<int> queue = _states[e].Queue;
        int taken = 0;
        while (taken < count && queue.Count > 0)
        {
            int part = System.Math.Min(queue[0], count - taken);
            taken += part;
            queue[0] -= part;
            if (queue[0] == 0)
            {
                queue.RemoveAt(0);
            }
        }

        return taken;
    }

    internal Expected ShutdownWrite(int e)
    {
        if (e >= Count || !Endpoints.IsSocket(e) || _states[e].Closed || PeerGone(e))
        {
            return Expected.Skip; // after the peer is gone a TCP shutdown may meet a reset (ENOTCONN)
        }

        _states[e].ShutWrite = true;
        return Expected.Ok;
    }

    /// <summary>Closes an endpoint that is not registered.</summary>
    internal Expected Close(int e)
    {
        if (e >= Count || _states[e].Closed || _states[e].Registered)
        {
            return Expected.Skip;
        }

        _states[e].Closed = true;
        return Expected.Ok;
    }

    /// <summary>
    /// Closes a registered endpoint without unregistering it first (docs/reliability.md section 1). A Socket really
    /// closes: it is never reported again, its peer sees it go, and it stays in the map until unregistered by reference.
    /// A SafeHandle (the pipe's read end) is only marked: the selector's reference keeps the descriptor open and watched
    /// under its key until Unregister lets go of it, and only then does its peer see it go. A bare number is never
    /// closed while registered: nothing can tell it was.
    /// </summary>
    internal Expected CloseRegistered(int e)
    {
        if (!CloseRegisteredSupported || e >= Count || Endpoints.IsNumber(e) || _states[e].Closed || !_states[e].Registered)
        {
            return Expected.Skip;
        }

        _states[e].Closed = true;
        _states[e].HeldOpen = !Endpoints.IsSocket(e);
        return Expected.Ok;
    }

    /// <summary>What the kernel says about an open endpoint, before masking.</summary>
    internal SelectorEvents Readiness(int e)
    {
        const SelectorEvents Both = SelectorEvents.Read | SelectorEvents.Write;
        EndpointState s = _states[e];
        bool queued = s.Queue.Count > 0;
        return Endpoints.Kind(e) switch
        {
            EndpointKind.PipeRead => PeerGone(e) ? Both : queued ? SelectorEvents.Read : SelectorEvents.None,
            EndpointKind.PipeWrite => PeerGone(e) ? Both : SelectorEvents.Write,
            _ => SelectorEvents.Write | (queued || PeerShutWrite(e) || PeerGone(e) ? SelectorEvents.Read : SelectorEvents.None),
        };
    }

    /// <summary>Endpoint → events that one non-blocking select must return: the open registered ones with any event left after masking.</summary>
    internal Dictionary<int, SelectorEvents> ExpectedSelect()
    {
        var expected = new Dictionary<int, SelectorEvents>();
        for (int e = 0; e < Count; e++)
        {
            EndpointState s = _states[e];
            if (s.Registered && (!s.Closed || s.HeldOpen))
            {
                SelectorEvents events = Readiness(e) & s.Interest;
                if (events != SelectorEvents.None)
                {
                    expected.Add(e, events);
                }
            }
        }

        return expected;
    }

    private static bool Valid(SelectorEvents events) =>
        events != SelectorEvents.None && (events & ~(SelectorEvents.Read | SelectorEvents.Write)) == 0;

    private sealed class EndpointState
    {
        public bool Registered;
        public SelectorEvents Interest;
        public object? Data;
        public bool ShutWrite;
        public bool Closed;

        /// <summary>Disposed by its owner while registered, but kept open by the selector's reference (SafeHandle).</summary>
        public bool HeldOpen;

        /// <summary>Sizes of the writes queued for this endpoint to read, oldest first (a partial read shortens the first).</summary>
        public readonly List<int> Queue = new();
    }
}
