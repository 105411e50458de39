using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Selectors.Tests.Support;

/// <summary>
/// Runs a real client program (curl, or python3 with a script) to completion, with a time limit: past it the process
/// is killed (that one process only) and the test fails with what it printed.
/// </summary>
internal static class ClientProgram
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process? started = null;
        try
        {
            started = Process.Start(start);
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"{program} could not be started ({e.Message}); these tests need it installed (Debian: apt-get install curl python3 openssl).");
        }

        using Process process = started ?? throw new InvalidOperationException($"{program} did not start");
        try
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw new TimeoutException($"{program} ran longer than {limit}; it wrote: {await stdout} {await stderr}");
            }

            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(); // Only the process this helper started, by its own id.
            }
        }
    }

    /// <summary>Runs <c>python3 -c <paramref name="source"/> ARGUMENTS</c>: a client script kept in the test's own source.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> PythonAsync(string source, TimeSpan limit, params string[] arguments) =>
        RunAsync("python3", limit, ["-c", source, .. arguments]);

    /// <summary>Runs <c>python3 Selectors.Tests/Examples/Clients/<paramref name="script"/> ARGUMENTS</c>.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> PythonFileAsync(string script, TimeSpan limit, params string[] arguments)
    {
        string path = Path.Combine(ExampleProcess.RepositoryRoot(), "Selectors.Tests", "Examples", "Clients", script);
        return RunAsync("python3", limit, [path, .. arguments]);
    }
}
