using System;
using System.IO;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// What every server example does when <c>accept</c> fails for want of descriptors (EMFILE, ENFILE: .NET's
/// <see cref="SocketError.TooManyOpenSockets"/>) or kernel memory: the server stops watching its listener for
/// <see cref="PauseMilliseconds"/>, then watches it again, as asyncio does. Without the pause a level-triggered
/// listener, still readable because the refused clients wait in its backlog, would wake the loop at once, again and
/// again, until something is freed: a busy spin that starves the connections already open.
/// </summary>
/// <remarks>
/// The first failure of an episode is logged, and so is the first accept that works again, so an operator sees one
/// line when descriptors run out and one when they come back, not ten lines a second. The clients that arrive meanwhile
/// wait in the listen backlog and are accepted once descriptors are free.
/// </remarks>
internal sealed class AcceptBackOff
{
    /// <summary>How long the listener is left unwatched after a failed accept.</summary>
    public const int PauseMilliseconds = 100;

    private readonly TextWriter _errors;
    private long? _resumeAt;
    private bool _failing;

    /// <summary>Reports to <paramref name="errors"/>.</summary>
    /// <param name="errors">Where the two lines of an episode go. Taken at start-up, because <see cref="Console.Error"/>
    /// opens a descriptor the first time it is used, which fails once they ran out.</param>
    public AcceptBackOff(TextWriter errors) => _errors = errors;

    /// <summary>Whether the listener is unwatched now, waiting for <see cref="TryResume"/>.</summary>
    public bool IsPaused => _resumeAt is not null;

    /// <summary>What <see cref="TryAccept"/> got.</summary>
    public enum Outcome
    {
        /// <summary>A client, ready to use.</summary>
        Accepted,

        /// <summary>No client is waiting (readiness was a hint).</summary>
        NoneWaiting,

        /// <summary>A client left before it was accepted; others may still be waiting.</summary>
        ClientLeft,

        /// <summary>Out of descriptors (EMFILE, ENFILE) or buffers: the pause has begun; stop watching the listener.</summary>
        Paused,
    }

    /// <summary>
    /// Accepts one waiting client from <paramref name="listener"/>, logging the start and the end of an episode of
    /// failures. Every server example accepts through here, so the rule lives once.
    /// </summary>
    /// <param name="listener">A non-blocking listening socket.</param>
    /// <param name="client">The client when the outcome is <see cref="Outcome.Accepted"/>.</param>
    /// <returns>What happened; on <see cref="Outcome.Paused"/> the caller stops watching the listener until <see cref="TryResume"/>.</returns>
    public Outcome TryAccept(Socket listener, out Socket? client)
    {
        try
        {
            client = listener.Accept();
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.ConnectionAborted or SocketError.ConnectionReset)
        {
            client = null;
            return e.SocketErrorCode == SocketError.WouldBlock ? Outcome.NoneWaiting : Outcome.ClientLeft;
        }
        catch (SocketException e)
        {
            client = null;
            Pause(e);
            return Outcome.Paused;
        }

        if (_failing)
        {
            _failing = false;
            _errors.WriteLine("accepting again");
        }

        return Outcome.Accepted;
    }

    /// <summary><paramref name="timeout"/> (null: forever), shortened so the wait ends when the pause does.</summary>
    public TimeSpan? Bound(TimeSpan? timeout)
    {
        if (_resumeAt is not long resumeAt)
        {
            return timeout;
        }

        var untilResume = TimeSpan.FromMilliseconds(Math.Max(0, resumeAt - Environment.TickCount64));
        return timeout < untilResume ? timeout : untilResume;
    }

    /// <summary>Ends a pause that is over: true when the caller must watch the listener again.</summary>
    public bool TryResume()
    {
        if (_resumeAt is long resumeAt && Environment.TickCount64 >= resumeAt)
        {
            _resumeAt = null;
            return true;
        }

        return false;
    }

    private void Pause(SocketException failure)
    {
        if (!_failing)
        {
            _failing = true;
            _errors.WriteLine($"accept failed ({failure.SocketErrorCode}: {failure.Message}); pausing accepts for {PauseMilliseconds} ms at a time until it works again");
        }

        _resumeAt = Environment.TickCount64 + PauseMilliseconds;
    }
}
