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

namespace Selectors.Tests.Support;

/// <summary>
/// The built Selectors.Examples program as a child process, exactly as a user runs it: <c>dotnet
/// Selectors.Examples.dll COMMAND OPTIONS</c>, with stdout and stderr captured line by line. It is stopped by a signal
/// sent to its own process id and killed (that one process only) on dispose if a test left it running. Every wait is
/// bounded. The test project references the examples project for build order only; the program is found in the
/// examples project's own build output for this configuration (Selectors.Examples/bin/CONFIGURATION/TFM/).
/// </summary>
internal sealed class ExampleProcess : IDisposable
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

    private ExampleProcess(Process process) => _process = process;

    /// <summary>The lines written to stdout so far.</summary>
    public IReadOnlyList<string> OutputLines => _output.ToArray();

    /// <summary>The lines written to stderr so far.</summary>
    public IReadOnlyList<string> ErrorLines => _error.ToArray();

    /// <summary>The process id, for /proc and prlimit; signals go through <see cref="StopAsync"/>.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The port from the <c>listening on</c> line, once <see cref="StartListeningAsync"/> returned.</summary>
    public int Port { get; private set; }

    /// <summary>The backend from the <c>listening on</c> line, once <see cref="StartListeningAsync"/> returned.</summary>
    public string Backend { get; private set; } = "";

    /// <summary>Starts <c>dotnet Selectors.Examples.dll ARGUMENTS</c> without waiting for anything.</summary>
    public static ExampleProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ExamplesDll());
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var example = new ExampleProcess(new Process { StartInfo = start });
        example._process.OutputDataReceived += (_, e) => example.CollectOutput(e.Data);
        example._process.ErrorDataReceived += (_, e) => example.CollectError(e.Data);
        example._process.Start();
        example._process.BeginOutputReadLine();
        example._process.BeginErrorReadLine();
        return example;
    }

    /// <summary>
    /// Starts a server (pass <c>--port 0</c> among <paramref name="arguments"/>) and waits, at most 30 s, for its first
    /// line, which must be <c>listening on 127.0.0.1:PORT (backend: NAME)</c>; <see cref="Port"/> and
    /// <see cref="Backend"/> then hold what it says.
    /// </summary>
    public static async Task<ExampleProcess> StartListeningAsync(params string[] arguments)
    {
        ExampleProcess server = Start(arguments);
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

    /// <summary>
    /// Whether a stderr line matching <paramref name="match"/> arrives within <paramref name="limit"/>: lines reach the
    /// test through a pipe and a reader thread, a little after the example wrote them.
    /// </summary>
    public async Task<bool> WaitForErrorLineAsync(Func<string, bool> match, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        // Bounded by the limit, checking every 20 ms.
        while (!_error.Any(match))
        {
            if (clock.Elapsed >= limit)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to this process, by its own id, and returns its exit code (waits at most 15 s).
    /// Mono.Posix's managed <see cref="Signum"/> values are Linux's signal numbers, so they go to kill(2) as they are.
    /// </summary>
    public Task<int> StopAsync(Signum signal = Signum.SIGTERM)
    {
        TestInterop.Kill(_process.Id, (int)signal).Should().Be(0, $"kill({_process.Id}, {signal}) should reach the example");
        return WaitForExitAsync();
    }

    /// <summary>
    /// Waits, at most <paramref name="limit"/> (15 s if not given), for the exit and for the end of both streams;
    /// returns the exit code.
    /// </summary>
    public async Task<int> WaitForExitAsync(TimeSpan? limit = null)
    {
        TimeSpan bound = limit ?? StopTimeout;
        using var timeout = new CancellationTokenSource(bound);
        await _process.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(_outputClosed.Task, _errorClosed.Task).WaitAsync(bound);
        return _process.ExitCode;
    }

    /// <summary>Kills the process if a test left it running (a failed assertion): only this one, by its own id.</summary>
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

    private void CollectOutput(string? line)
    {
        if (line is null)
        {
            _firstLine.TrySetResult(null);
            _outputClosed.TrySetResult();
            return;
        }

        _output.Enqueue(line);
        _firstLine.TrySetResult(line);
    }

    private void CollectError(string? line)
    {
        if (line is null)
        {
            _errorClosed.TrySetResult();
            return;
        }

        _error.Enqueue(line);
    }

    /// <summary>The dotnet host to run built programs with: the one running the tests when it can be found.</summary>
    internal static string DotnetHost()
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

    private static string ExamplesDll() => BuiltProgram("Selectors.Examples");

    /// <summary>
    /// The built <paramref name="project"/>.dll of this test run's configuration, asserted to exist: the test project
    /// references the programs it runs for build order only.
    /// </summary>
    internal static string BuiltProgram(string project)
    {
        // This assembly runs from Selectors.Tests/bin/CONFIGURATION/TFM/; the solution build puts each program in the
        // same place under its own project.
        var testDirectory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        string targetFramework = testDirectory.Name;
        string configuration = testDirectory.Parent!.Name;
        string dll = Path.Combine(RepositoryRoot(), project, "bin", configuration, targetFramework, project + ".dll");
        File.Exists(dll).Should().BeTrue($"{dll} should exist: build the solution, e.g. dotnet build Selectors.sln -c {configuration}");
        return dll;
    }
}
