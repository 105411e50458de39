using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Selectors.Examples;

/// <summary>
/// Ctrl+C and SIGTERM as something a selector can wait for: the self-pipe trick (asyncio's wake-up socket pair).
/// The handlers run on another thread, and a selector is not thread-safe, so they only set a flag and write one byte
/// to a connected socket pair; the loop registers <see cref="WakeUp"/> for reading and sees the stop at once, even
/// while it blocks in <c>Select()</c> with no timeout.
/// </summary>
/// <remarks>
/// The pair is two loopback TCP sockets, not a pipe or socketpair(2), because only sockets work on every backend
/// (select watches sockets only) and .NET has no portable socketpair.
/// Several loops on several threads each need their own wake-up socket (one loop's <see cref="Drain"/> must not eat
/// another's wake-up), so each further loop gets a <see cref="Branch"/>: its own pair, requested with this one.
/// </remarks>
internal sealed class StopSignal : IDisposable
{
    private readonly Socket _wakeUp;
    private readonly Socket _trigger;
    private readonly PosixSignalRegistration? _sigterm; // null on a branch: the root handles the signals
    private readonly object _gate = new();
    private readonly List<StopSignal> _branches = [];
    private volatile string? _reason;
    private bool _disposed;

    /// <summary>Creates the socket pair and starts handling Ctrl+C and SIGTERM.</summary>
    /// <exception cref="SocketException">The loopback pair could not be made.</exception>
    public StopSignal()
        : this(handleSignals: true)
    {
    }

    private StopSignal(bool handleSignals)
    {
        (_wakeUp, _trigger) = ConnectedPair();
        _wakeUp.Blocking = false;   // Drain reads until empty and must not block on the last read.
        _trigger.Blocking = false;  // A signal handler must never block; one pending byte is enough anyway.
        if (handleSignals)
        {
            Console.CancelKeyPress += OnCancelKeyPress;
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSigterm);
        }
    }

    /// <summary>The socket to register for <see cref="SelectorEvents.Read"/>; it becomes readable when a stop is requested.</summary>
    public Socket WakeUp => _wakeUp;

    /// <summary>Whether a stop was requested; checked by the loop after each <c>Select()</c>.</summary>
    public bool IsRequested => _reason is not null;

    /// <summary>What requested the stop (<c>SIGINT</c>, <c>SIGTERM</c>), or null.</summary>
    public string? Reason => _reason;

    /// <summary>Asks the loop, and the loops of every <see cref="Branch"/>, to stop; safe from any thread, any number of times.</summary>
    public void Request(string reason)
    {
        _reason ??= reason;
        StopSignal[] branches;
        lock (_gate)
        {
            // The lock keeps the write from racing Dispose, which may run on the loop's thread as a signal arrives.
            if (!_disposed)
            {
                _trigger.Send([1], SocketFlags.None, out SocketError _);
            }

            branches = _branches.ToArray();
        }

        foreach (StopSignal branch in branches)
        {
            branch.Request(_reason);
        }
    }

    /// <summary>
    /// A stop signal for one more loop, on another thread: its own wake-up pair, no signal handlers of its own, and
    /// requested whenever this one is (at once, if this one already was). The caller disposes it.
    /// </summary>
    /// <exception cref="SocketException">The loopback pair could not be made.</exception>
    public StopSignal Branch()
    {
        var branch = new StopSignal(handleSignals: false);
        lock (_gate)
        {
            _branches.Add(branch);
        }

        if (_reason is string reason)
        {
            branch.Request(reason); // Requested before the branch existed: it must not miss it.
        }

        return branch;
    }

    /// <summary>Reads the pending wake-up bytes, so level-triggered readiness does not report them again.</summary>
    public void Drain()
    {
        Span<byte> buffer = stackalloc byte[64];
        for (int i = 0; i < 1000 && _wakeUp.Receive(buffer, SocketFlags.None, out SocketError error) > 0 && error == SocketError.Success; i++)
        {
        }
    }

    /// <summary>Stops handling the signals (a later Ctrl+C or SIGTERM kills the process as usual) and closes the pair.</summary>
    public void Dispose()
    {
        if (_sigterm is not null)
        {
            Console.CancelKeyPress -= OnCancelKeyPress;
            _sigterm.Dispose();
        }

        lock (_gate)
        {
            _disposed = true;
            _trigger.Dispose();
            _wakeUp.Dispose();
        }
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        // The first Ctrl+C stops cleanly; a second one, if the clean stop hangs, kills the process as usual.
        e.Cancel = !IsRequested;
        Request("SIGINT");
    }

    private void OnSigterm(PosixSignalContext context)
    {
        // Cancel the runtime's default (terminate now), so the loop can close every socket and exit with 0.
        context.Cancel = true;
        Request("SIGTERM");
    }

    private static (Socket Reader, Socket Writer) ConnectedPair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var writer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            writer.Connect(listener.LocalEndPoint!);
            Socket reader = listener.Accept();
            if (!Equals(reader.RemoteEndPoint, writer.LocalEndPoint))
            {
                // Another local process raced us to the port; its bytes must not be able to stop the server.
                reader.Dispose();
                throw new SocketException((int)SocketError.ConnectionRefused);
            }

            writer.NoDelay = true;  // The one byte should leave now, not wait for Nagle.
            return (reader, writer);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }
}
