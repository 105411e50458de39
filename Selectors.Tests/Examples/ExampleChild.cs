using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;

namespace Selectors.Tests.Examples;

/// <summary>
/// The built Selectors.Examples program as a child process, for the tests of the low-level servers and models: stdout
/// and stderr captured line by line, stopped by a signal sent to its own id, killed by its own handle on dispose if
/// it is still running. Every wait is bounded.
/// </summary>
internal sealed class ExampleChild : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly Regex ListeningLine = new(@"^listening on 127\.0\.0\.1:(\d+) \(backend: (Epoll|Poll|Select)\)$");
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _error = new();
    private readonly TaskCompletionSource<string?> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExampleChild(Process process) => _process = process;

    /// <summary>The lines written to stdout so far.</summary>
    public IReadOnlyList<string> OutputLines => _output.ToArray();

    /// <summary>The lines written to stderr so far.</summary>
    public IReadOnlyList<string> ErrorLines => _error.ToArray();

    /// <summary>Starts <c>dotnet Selectors.Examples.dll ARGUMENTS</c>.</summary>
    public static ExampleChild Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ExamplesDll());
        arguments.ToList().ForEach(start.ArgumentList.Add);

        var child = new ExampleChild(new Process { StartInfo = start });
        child._process.OutputDataReceived += (_, e) => child.Collect(e.Data, child._output, child._outputClosed);
        child._process.ErrorDataReceived += (_, e) => child.Collect(e.Data, child._error, child._errorClosed);
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for <c>listening on 127.0.0.1:PORT (backend: NAME)</c> and returns the port and the backend.</summary>
    public async Task<(int Port, string Backend)> ListeningAsync()
    {
        string? line = await _firstLine.Task.WaitAsync(StartTimeout);
        line.Should().NotBeNull($"the server should print where it listens; stderr: {string.Join("\n", ErrorLines)}");
        Match match = ListeningLine.Match(line!);
        match.Success.Should().BeTrue($"'{line}' should say where the server listens");
        return (int.Parse(match.Groups[1].Value), match.Groups[2].Value);
    }

    /// <summary>Sends <paramref name="signal"/> to this process, by its own id, and returns its exit code.</summary>
    public Task<int> StopAsync(Signum signal)
    {
        Syscall.kill(_process.Id, signal).Should().Be(0, $"kill({_process.Id}, {signal}) should reach the example");
        return ExitAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>Waits, at most <paramref name="limit"/>, for the exit and the end of both streams; returns the exit code.</summary>
    public async Task<int> ExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(_outputClosed.Task, _errorClosed.Task).WaitAsync(limit);
        return _process.ExitCode;
    }

    /// <summary>Kills the process if it still runs (only this one, by its own handle).</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5_000);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Collect(string? line, ConcurrentQueue<string> lines, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            if (lines == _output)
            {
                _firstLine.TrySetResult(null);
            }

            return;
        }

        lines.Enqueue(line);
        if (lines == _output)
        {
            _firstLine.TrySetResult(line);
        }
    }

    private static string DotnetHost()
    {
        // `dotnet test` tells its children which host runs it; otherwise this process may itself be that host.
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (File.Exists(host))
        {
            return host;
        }

        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static string ExamplesDll()
    {
        // This assembly runs from Selectors.Tests/bin/CONFIGURATION/TFM/; the examples build to the same place under
        // Selectors.Examples (the test project references it for build order).
        var testDirectory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        DirectoryInfo repository = testDirectory.Parent!.Parent!.Parent!.Parent!;
        string dll = Path.Combine(repository.FullName, "Selectors.Examples", "bin", testDirectory.Parent.Name, testDirectory.Name, "Selectors.Examples.dll");
        File.Exists(dll).Should().BeTrue($"{dll} should exist: build the solution");
        return dll;
    }
}
