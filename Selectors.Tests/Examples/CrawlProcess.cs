using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// <c>Selectors.Examples crawl ...</c> as a child process: the tests' shared <see cref="ExampleProcess"/> (output
/// captured line by line, signals sent to its own id, killed by its own handle on dispose), plus what the crawl tests
/// read from it: the transcript for failure messages and the one <c>summary:</c> line.
/// </summary>
internal sealed class CrawlProcess : IDisposable
{
    private readonly ExampleProcess _program;

    // A crawl runs to its end on its own; generous, since a loaded machine makes python's http.server slow.
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(40);

    private CrawlProcess(ExampleProcess program) => _program = program;

    /// <summary>The stdout lines so far.</summary>
    public IReadOnlyList<string> OutputLines => _program.OutputLines.ToList();

    /// <summary>The stderr lines so far.</summary>
    public IReadOnlyList<string> ErrorLines => _program.ErrorLines.ToList();

    /// <summary>Everything written so far (stderr's first 50 lines), for assertion messages.</summary>
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

    /// <summary>The built examples program for this test run's configuration, for tests that start it some other way.</summary>
    public static string ExamplesDll
    {
        get
        {
            // Tests run from Selectors.Tests/bin/CONFIGURATION/TFM/; the examples build to the same place under Selectors.Examples.
            var testDirectory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            return Path.Combine(ExampleProcess.RepositoryRoot(), "Selectors.Examples", "bin", testDirectory.Parent!.Name, testDirectory.Name, "Selectors.Examples.dll");
        }
    }

    /// <summary>Starts <c>Selectors.Examples</c> with <paramref name="arguments"/> (the first is the subcommand).</summary>
    public static CrawlProcess Start(params string[] arguments) => new(ExampleProcess.Start(arguments));

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
            _program.HasExited.Should().BeFalse($"the program exited early; {Transcript}");
            await Task.Delay(5);
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the process (by its own id) and returns its exit code.</summary>
    public Task<int> StopAsync(Signum signal) => _program.StopAsync(signal);

    /// <summary>Waits (bounded) for the exit and for both output streams to end; returns the exit code.</summary>
    public Task<int> WaitForExitAsync() => _program.WaitForExitAsync(ExitTimeout);

    public void Dispose() => _program.Dispose();
}
