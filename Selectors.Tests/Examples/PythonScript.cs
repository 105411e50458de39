using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Selectors.Tests.Examples;

/// <summary>Runs a python3 script given as text, bounded in time, and returns its exit code and output.</summary>
internal static class PythonScript
{
    /// <summary>Runs <c>python3 -c SCRIPT ARGUMENTS</c>; kills it (by its own handle) if it outlives <paramref name="limit"/>.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string script, TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process python = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        try
        {
            Task<string> stdout = python.StandardOutput.ReadToEndAsync();
            Task<string> stderr = python.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(limit);
            await python.WaitForExitAsync(timeout.Token);
            return (python.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"python3 ran longer than {limit}");
            throw;
        }
        finally
        {
            if (!python.HasExited)
            {
                python.Kill();
            }
        }
    }
}
