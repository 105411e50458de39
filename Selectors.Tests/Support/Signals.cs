using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Selectors.Tests.Support;

/// <summary>
/// Installs a SIGWINCH handler (so the signal interrupts blocking system calls instead of being ignored) and counts
/// how often it ran. SIGWINCH's default action is "ignore", so nothing else in the test process is disturbed.
/// </summary>
internal sealed class SignalCounter : IDisposable
{
    private readonly PosixSignalRegistration _registration;
    private int _deliveries;

    internal SignalCounter()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("POSIX signals only.");
        }

        _registration = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, context =>
        {
            Interlocked.Increment(ref _deliveries);
            context.Cancel = true;
        });
    }

    /// <summary>How many times the handler ran (it runs on the runtime's signal thread, a little after delivery).</summary>
    internal int Deliveries => Volatile.Read(ref _deliveries);

    /// <summary>Waits (bounded) until at least <paramref name="count"/> deliveries were observed; returns the count.</summary>
    internal int WaitForAtLeast(int count, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (Deliveries < count && watch.Elapsed < limit)
        {
            Thread.Sleep(5);
        }

        return Deliveries;
    }

    public void Dispose() => _registration.Dispose();
}

/// <summary>Sends SIGWINCH to one kernel thread of this process from a background thread: once, or as a bounded storm.</summary>
internal sealed class SignalSender : IDisposable
{
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private int _sent;
    private int _failures;

    private SignalSender(int tid, TimeSpan delay, TimeSpan interval, int maxSignals, TimeSpan maxDuration)
    {
        int pid = TestInterop.GetPid();
        _thread = new Thread(() =>
        {
            var watch = Stopwatch.StartNew();
            if (_stop.Token.WaitHandle.WaitOne(delay))
            {
                return;
            }

            while (_sent < maxSignals && watch.Elapsed < maxDuration && !_stop.IsCancellationRequested)
            {
                if (TestInterop.TgKill(pid, tid, TestInterop.SIGWINCH) == 0)
                {
                    Interlocked.Increment(ref _sent);
                }
                else
                {
                    Interlocked.Increment(ref _failures);
                }

                if (_sent < maxSignals)
                {
                    _stop.Token.WaitHandle.WaitOne(interval);
                }
            }
        })
        { IsBackground = true, Name = "SIGWINCH sender" };
        _thread.Start();
    }

    /// <summary>How many signals were sent.</summary>
    internal int Sent => Volatile.Read(ref _sent);

    /// <summary>How many tgkill calls failed (should be none).</summary>
    internal int Failures => Volatile.Read(ref _failures);

    /// <summary>The calling thread's kernel id, to aim signals at it.</summary>
    internal static int CurrentThreadId() => TestInterop.GetTid();

    /// <summary>One signal to <paramref name="tid"/> after <paramref name="delay"/>.</summary>
    internal static SignalSender Once(int tid, TimeSpan delay) => new(tid, delay, TimeSpan.Zero, 1, TimeSpan.FromSeconds(30));

    /// <summary>A signal every <paramref name="interval"/>, starting at once, for at most <paramref name="maxDuration"/> (and 1,000 signals).</summary>
    internal static SignalSender Storm(int tid, TimeSpan interval, TimeSpan maxDuration) => new(tid, TimeSpan.Zero, interval, 1000, maxDuration);

    /// <summary>Stops sending and waits for the sender thread (bounded).</summary>
    internal void Stop()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits for the sender to finish on its own (bounded).</summary>
    internal void Join() => _thread.Join(TimeSpan.FromSeconds(10));

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }
}
