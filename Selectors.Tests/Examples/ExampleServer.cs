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
/// The built Selectors.Examples program as a child process, for the http and chat tests: stdout and stderr captured
/// line by line, stopped by a signal to its own process id, killed (by its own handle) on dispose if still running.
/// Every wait is bounded. (EchoExampleTests keeps its own private copy; it can move to this one.)
/// </summary>
internal sealed class ExampleServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private static readonly Regex ListeningLine = new(@"^listening on 127\.0\.0\.1:(\d+) \(backend: (Epoll|Poll|Select)\)$");
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _error = new();
    private readonly TaskCompletionSource<string?> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExampleServer(Process process) => _process = process;

    /// <summary>What the program wrote to stdout so far.</summary>
    public IReadOnlyCollection<string> OutputLines => _output.ToArray();

    /// <summary>What the program wrote to stderr so far.</summary>
    public IReadOnlyCollection<string> ErrorLines => _error.ToArray();

    /// <summary>The port from the <c>listening on</c> line, once <see cref="StartAsync"/> returned.</summary>
    public int Port { get; private set; }

    /// <summary>The backend from the <c>listening on</c> line, once <see cref="StartAsync"/> returned.</summary>
    public string Backend { get; private set; } = "";

    /// <summary>Starts the program with <paramref name="arguments"/> (a command and its options) without waiting for anything.</summary>
    public static ExampleServer Launch(params string[] arguments)
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
        var server = new ExampleServer(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                server._firstLine.TrySetResult(null);
                server._outputClosed.TrySetResult();
                return;
            }

            server._output.Enqueue(e.Data);
            server._firstLine.TrySetResult(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                server._errorClosed.TrySetResult();
                return;
            }

            server._error.Enqueue(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Starts the program on port 0 and waits for its <c>listening on 127.0.0.1:PORT (backend: NAME)</c> line.</summary>
    public static async Task<ExampleServer> StartAsync(params string[] arguments)
    {
        ExampleServer server = Launch([.. arguments, "--port", "0"]);
        try
        {
            string? line = await server._firstLine.Task.WaitAsync(StartTimeout);
            line.Should().NotBeNull($"the server should print where it listens; stderr: {string.Join("\n", server.ErrorLines)}");
            Match match = ListeningLine.Match(line!);
            match.Success.Should().BeTrue($"'{line}' should say where the server listens");
            (server.Port, server.Backend) = (int.Parse(match.Groups[1].Value), match.Groups[2].Value);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="signal"/> to this process (by its own id) and returns its exit code.</summary>
    public Task<int> StopAsync(Signum signal = Signum.SIGTERM)
    {
        Syscall.kill(_process.Id, signal).Should().Be(0, $"kill({_process.Id}, {signal}) should reach the server");
        return WaitForExitAsync();
    }

    /// <summary>Waits (bounded) for the exit and for both output streams to end, and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(StopTimeout);
        await _process.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(_outputClosed.Task, _errorClosed.Task).WaitAsync(StopTimeout);
        return _process.ExitCode;
    }

    /// <summary>Kills the process if a test left it running (a failed assertion), by its own handle.</summary>
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

    /// <summary>The directory holding Selectors.sln, found upwards from this test assembly.</summary>
    public static string RepositoryRoot()
    {
        DirectoryInfo? root = new(TestContext.CurrentContext.TestDirectory);
        for (int up = 0; up < 8 && root is not null && !File.Exists(Path.Combine(root.FullName, "Selectors.sln")); up++)
        {
            root = root.Parent;
        }

        root.Should().NotBeNull($"the test assembly ({TestContext.CurrentContext.TestDirectory}) should sit inside the repository");
        return root!.FullName;
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
        // This assembly runs from Selectors.Tests/bin/CONFIGURATION/TFM/; the example is built to the same place
        // under Selectors.Examples by the solution build.
        var testDirectory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        string dll = Path.Combine(RepositoryRoot(), "Selectors.Examples", "bin", testDirectory.Parent!.Name, testDirectory.Name, "Selectors.Examples.dll");
        File.Exists(dll).Should().BeTrue($"{dll} should exist: build the solution first");
        return dll;
    }
}
