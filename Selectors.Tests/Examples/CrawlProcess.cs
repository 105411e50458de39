using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;

namespace Selectors.Tests.Examples;

/// <summary>
/// <c>Selectors.Examples crawl ...</c> as a child process, run as a user runs it, with stdout and stderr captured
/// line by line. Every wait is bounded; <see cref="Dispose"/> kills the process (by its own handle) if it still runs.
/// </summary>
internal sealed class CrawlProcess : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(40);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _error = new();
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CrawlProcess(Process process) => _process = process;

    /// <summary>The stdout lines so far.</summary>
    public IReadOnlyList<string> OutputLines => _output.ToArray();

    /// <summary>The stderr lines so far.</summary>
    public IReadOnlyList<string> ErrorLines => _error.ToArray();

    /// <summary>Everything written so far, for assertion messages.</summary>
    public string Transcript => $"stdout:\n{string.Join("\n", OutputLines)}\nstderr:\n{string.Join("\n", ErrorLines.Take(50))}";

    /// <summary>The one <c>summary:</c> line on stdout (asserted to be exactly one).</summary>
    public string Summary
    {
        get
        {
            OutputLines.Where(l => l.StartsWith("summary:", StringComparison.Ordinal)).Should().ContainSingle($"one summary line; {Transcript}");
            return OutputLines.Single(l => l.StartsWith("summary:", StringComparison.Ordinal));
        }
    }

    /// <summary>Starts <c>Selectors.Examples</c> with <paramref name="arguments"/> (the first is the subcommand).</summary>
    public static CrawlProcess Start(params string[] arguments)
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

        var process = new Process { StartInfo = start };
        var child = new CrawlProcess(process);
        process.OutputDataReceived += (_, e) => Collect(e.Data, child._output, child._outputClosed);
        process.ErrorDataReceived += (_, e) => Collect(e.Data, child._error, child._errorClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Starts the program and waits (bounded) for it to exit; returns it for its output.</summary>
    public static async Task<(CrawlProcess Process, int ExitCode)> RunAsync(params string[] arguments)
    {
        CrawlProcess process = Start(arguments);
        return (process, await process.WaitForExitAsync());
    }

    /// <summary>Waits (bounded by <paramref name="limit"/>) until a stdout line starts with <paramref name="prefix"/>.</summary>
    public async Task WaitForOutputAsync(string prefix, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!OutputLines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
        {
            watch.Elapsed.Should().BeLessThan(limit, $"'{prefix}...' should appear; {Transcript}");
            _process.HasExited.Should().BeFalse($"the program exited early; {Transcript}");
            await Task.Delay(5);
        }
    }

    /// <summary>Sends <paramref name="signal"/> to this process, by its own id.</summary>
    public void Signal(Signum signal) =>
        Syscall.kill(_process.Id, signal).Should().Be(0, $"kill({_process.Id}, {signal}) should reach the crawler");

    /// <summary>Waits (bounded) for the exit and for both output streams to end; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(ExitTimeout);
        await _process.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(_outputClosed.Task, _errorClosed.Task).WaitAsync(ExitTimeout);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(); // Only the process this test started, by its own handle.
                _process.WaitForExit(5_000);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static void Collect(string? line, ConcurrentQueue<string> lines, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
        }
        else
        {
            lines.Enqueue(line);
        }
    }

    /// <summary>The dotnet host that runs the tests.</summary>
    public static string DotnetHost()
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

    /// <summary>The built Selectors.Examples.dll of this configuration.</summary>
    public static string ExamplesDll()
    {
        // Tests run from Selectors.Tests/bin/CONFIGURATION/TFM/; the examples build to the same place under Selectors.Examples.
        var testDirectory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        DirectoryInfo? root = testDirectory;
        for (int up = 0; up < 8 && root is not null && !File.Exists(Path.Combine(root.FullName, "Selectors.sln")); up++)
        {
            root = root.Parent;
        }

        root.Should().NotBeNull("the test assembly should sit inside the repository");
        string dll = Path.Combine(root!.FullName, "Selectors.Examples", "bin", testDirectory.Parent!.Name, testDirectory.Name, "Selectors.Examples.dll");
        File.Exists(dll).Should().BeTrue($"{dll} should exist: build the solution first");
        return dll;
    }
}
