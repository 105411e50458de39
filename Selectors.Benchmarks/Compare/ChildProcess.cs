using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace Selectors.Benchmarks.Compare;

/// <summary>
/// A process this harness started, pinned to one core with taskset when it exists (taskset execs the command, so the
/// process id is the command's own). Stopped by its own id: SIGTERM, then SIGKILL if it has not gone in 3 s.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private static readonly bool HasTaskset = File.Exists("/usr/bin/taskset") || File.Exists("/bin/taskset");
    private readonly Process _process;
    private bool _disposed;

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public static bool Pinning => HasTaskset;

    /// <summary>Starts <paramref name="file"/> with <paramref name="args"/> on <paramref name="core"/> (null: any core).</summary>
    public static ChildProcess Start(int? core, string file, params string[] args) => StartWithEnvironment(null, core, file, args);

    /// <summary>As <see cref="Start"/>, with extra NAME=VALUE environment variables.</summary>
    public static ChildProcess StartWithEnvironment(string[]? environment, int? core, string file, params string[] args) =>
        StartOnCpus(environment, core?.ToString(System.Globalization.CultureInfo.InvariantCulture), file, args);

    /// <summary>As <see cref="StartWithEnvironment"/>, on the cores of a taskset CPU list such as "0-1" (null: any core).</summary>
    public static ChildProcess StartOnCpus(string[]? environment, string? cpus, string file, params string[] args)
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string variable in environment ?? [])
        {
            string[] nameValue = variable.Split('=', 2);
            info.Environment[nameValue[0]] = nameValue[1];
        }

        if (cpus is not null && HasTaskset)
        {
            info.FileName = "taskset";
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(cpus);
            info.ArgumentList.Add(file);
        }
        else
        {
            info.FileName = file;
        }

        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}"));
    }

    /// <summary>The next line of standard output, or null after <paramref name="timeout"/> or at its end.</summary>
    public string? ReadLine(TimeSpan timeout)
    {
        Task<string?> line = _process.StandardOutput.ReadLineAsync();
        return line.Wait(timeout) ? line.Result : null;
    }

    /// <summary>Waits for the process to exit by itself; kills it if it takes longer than <paramref name="timeout"/>.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (_process.WaitForExit(timeout))
        {
            return true;
        }

        Dispose();
        return false;
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Sends <paramref name="signal"/> to this process only.</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited)
        {
            _ = Interop.Kill(_process.Id, signal);
        }
    }

    /// <summary>Stops the process by its id: SIGTERM, then SIGKILL after 3 s. Idempotent (WaitForExit may have done it).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            Signal(15);
            if (!_process.WaitForExit(TimeSpan.FromSeconds(3)))
            {
                _process.Kill();
                _process.WaitForExit(TimeSpan.FromSeconds(3));
            }
        }

        _process.Dispose();
    }
}
