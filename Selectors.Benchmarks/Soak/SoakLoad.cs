using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace Selectors.Benchmarks.Soak;

/// <summary>
/// The soak's load client: one thread, one <see cref="DefaultSelector"/>, thousands of non-blocking
/// <see cref="SoakConnection"/>s kept open at once. Each connection does a random number of round trips and is then
/// replaced by a new one, so the server keeps accepting and closing for the whole run, not only at its edges.
/// </summary>
/// <remarks>
/// A round starts with a ramp: connections are opened until all are open and answered, and each one that has done its
/// first round trip waits there. The example accepts one connection per turn of its loop, and a turn that also serves
/// thousands of busy connections is long: with traffic running, the count of open connections levelled off near
/// 1,000, however many were asked for. The timed part of the round begins once the ramp is over.
/// </remarks>
internal sealed class SoakLoad : IDisposable
{
    /// <summary>The largest message; sizes are log-uniform from 1 byte, so small and large ones are both common.</summary>
    public const int MaxMessage = 64 * 1024;

    /// <summary>The largest single write; chunk sizes are log-uniform from 1 byte up to this or the rest of the message.</summary>
    public const int MaxChunk = 16 * 1024;

    /// <summary>
    /// The most round trips one connection does before it closes and a new one takes its place. The example accepts one
    /// connection per turn of its loop, so churn must stay below that rate: with at most 128 (about 65 on average) the
    /// 4,000 connections of a 120 s round dwindled to 1,964 once the machine was free enough for 6,000 round trips/s.
    /// </summary>
    public const int MaxRoundTripsPerConnection = 512;

    // Connections the server has not answered yet, at most: well under the example's listen backlog (128), so connects
    // are never dropped for a full accept queue (they would wait 1 s, 3 s... for the SYN to be sent again).
    private const int MaxUnanswered = 64;

    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RampLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly Random _random;
    private readonly int _seed;
    private readonly TextWriter _progress;
    private readonly Func<string> _serverStatus;
    private readonly List<SoakConnection> _open = [];
    private readonly List<SoakConnection> _parked = [];
    private long _nextSerial;

    /// <summary>A client of <paramref name="server"/>; <paramref name="seed"/> fixes sizes, chunks and payloads.</summary>
    /// <param name="server">The echo server.</param>
    /// <param name="seed">Fixes sizes, chunks and payloads.</param>
    /// <param name="progress">Where a progress line goes every 10 s.</param>
    /// <param name="serverStatus">What the progress line says about the server (its footprint).</param>
    public SoakLoad(IPEndPoint server, int seed, TextWriter progress, Func<string> serverStatus)
    {
        _serverStatus = serverStatus;
        Server = server;
        _seed = seed;
        _random = new Random(seed);
        _progress = progress;
    }

    /// <summary>The echo server.</summary>
    public IPEndPoint Server { get; }

    /// <summary>The selector every connection registers with.</summary>
    public DefaultSelector Selector { get; } = new();

    /// <summary>What the current round has counted.</summary>
    public SoakTally Tally { get; private set; } = new();

    /// <summary>Set while the round ramps up: a connection that has done one round trip waits (see <see cref="Park"/>).</summary>
    public bool Ramping { get; private set; }

    /// <summary>Set at the end of a round: connections finish their message, then half-close instead of starting another.</summary>
    public bool Stopping { get; private set; }

    /// <summary>One buffer for every connection's writes: the loop is single-threaded and a chunk is regenerated when resent.</summary>
    public byte[] SendBuffer { get; } = new byte[MaxChunk];

    /// <summary>One buffer for every connection's reads.</summary>
    public byte[] ReceiveBuffer { get; } = new byte[MaxMessage];

    /// <summary>Room for the bytes a read is compared with.</summary>
    public byte[] CompareBuffer { get; } = new byte[MaxMessage];

    /// <summary>
    /// Keeps <paramref name="connections"/> connections busy for <paramref name="duration"/>, then lets each finish its
    /// message and close, for at most <paramref name="drainLimit"/>; whatever is still open then is dropped.
    /// </summary>
    public SoakTally Run(int connections, TimeSpan duration, TimeSpan drainLimit)
    {
        Tally = new SoakTally();
        Stopping = false;
        long start = Stopwatch.GetTimestamp();
        Ramp(connections);
        Tally.RampSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Tally.MinOpen = _open.Count;
        start = Stopwatch.GetTimestamp();
        long end = start + Ticks(duration);
        long drainEnd = long.MaxValue;
        long nextCheck = start + Ticks(TimeSpan.FromSeconds(1));
        long nextReport = start + Ticks(TimeSpan.FromSeconds(10));
        while (true)
        {
            long now = Stopwatch.GetTimestamp();
            if (!Stopping && now >= end)
            {
                Stopping = true;
                drainEnd = now + Ticks(drainLimit);
            }

            if (Stopping && _open.Count == 0)
            {
                break;
            }

            if (now >= drainEnd)
            {
                AbortAll($"still open {drainLimit.TotalSeconds:0} s after the end of the round");
                break;
            }

            if (!Stopping)
            {
                OpenUpTo(connections);
            }

            Turn();
            if (now >= nextCheck)
            {
                nextCheck = now + Ticks(TimeSpan.FromSeconds(1));
                _open.RemoveAll(c => c.IsDone);
                Tally.MinOpen = Stopping ? Tally.MinOpen : Math.Min(Tally.MinOpen, _open.Count);
                AbortStalled(now);
            }

            if (now >= nextReport)
            {
                nextReport = now + Ticks(TimeSpan.FromSeconds(10));
                Report(start);
            }
        }

        return Tally;
    }

    /// <summary>Called by a connection that did its first round trip while the round ramps up: it waits for the others.</summary>
    public void Park(SoakConnection connection) => _parked.Add(connection);

    /// <summary>A message size, log-uniform in 1..<see cref="MaxMessage"/>.</summary>
    public int NextMessageSize() => LogUniform(MaxMessage);

    /// <summary>A chunk size, log-uniform in 1..<paramref name="most"/>.</summary>
    public int NextChunkSize(int most) => LogUniform(most);

    /// <summary>Drops whatever is still open and closes the selector.</summary>
    public void Dispose()
    {
        AbortAll("client closing");
        Selector.Dispose();
    }

    private void Ramp(int connections)
    {
        Ramping = true;
        long start = Stopwatch.GetTimestamp();
        long nextReport = start + Ticks(TimeSpan.FromSeconds(10));
        // Bounded: past the limit the round goes on with what is open, and the report shows the fewest open.
        while (Stopwatch.GetElapsedTime(start) < RampLimit && !(OpenUpTo(connections) == 0 && _open.Count >= connections))
        {
            Turn();
            if (Stopwatch.GetTimestamp() >= nextReport)
            {
                nextReport += Ticks(TimeSpan.FromSeconds(10));
                Report(start);
            }
        }

        Ramping = false;
        foreach (SoakConnection connection in _parked)
        {
            connection.Resume();
        }

        _parked.Clear();
        _open.RemoveAll(c => c.IsDone);
    }

    private void Turn()
    {
        foreach (var (key, events) in Selector.Select(Tick))
        {
            ((SoakConnection)key.Data!).OnReady(events);
        }
    }

    private void Report(long start) =>
        _progress.WriteLine(
            $"  {Stopwatch.GetElapsedTime(start).TotalSeconds,5:0}s {(Ramping ? "ramp " : string.Empty)}open={_open.Count} round_trips={Tally.RoundTrips} "
            + $"completed={Tally.Completed} dropped={Tally.Dropped} echoed={Tally.BytesEchoed / (1 << 20)} MiB; server: {_serverStatus()}");

    /// <summary>Opens connections up to <paramref name="connections"/> while few enough are unanswered.</summary>
    /// <returns>How many open connections the server has not answered yet.</returns>
    private int OpenUpTo(int connections)
    {
        _open.RemoveAll(c => c.IsDone);
        int unanswered = 0;
        foreach (SoakConnection connection in _open)
        {
            unanswered += connection.IsUnanswered ? 1 : 0;
        }

        // Bounded by the target and by the unanswered limit.
        while (_open.Count < connections && unanswered < MaxUnanswered)
        {
            try
            {
                Tally.Opened++;
                var payload = PayloadStream.ForConnection(_seed, _nextSerial++);
                _open.Add(new SoakConnection(this, payload, 1 + _random.Next(MaxRoundTripsPerConnection)));
                unanswered++;
            }
            catch (SocketException e)
            {
                Tally.Drop($"connect: {e.SocketErrorCode}", 0);
                break; // Out of ports or descriptors: try again on the next turn rather than spin.
            }
        }

        return unanswered;
    }

    private void AbortStalled(long now)
    {
        long limit = Ticks(StallLimit);
        foreach (SoakConnection connection in _open)
        {
            if (now - connection.LastProgress > limit)
            {
                connection.Abort($"no progress for {StallLimit.TotalSeconds:0} s");
            }
        }
    }

    private void AbortAll(string reason)
    {
        foreach (SoakConnection connection in _open)
        {
            connection.Abort(reason);
        }

        _open.Clear();
    }

    private int LogUniform(int most) => Math.Clamp((int)Math.Exp(_random.NextDouble() * Math.Log(most + 1.0)), 1, most);

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
