using System;
using System.Diagnostics;
using System.IO;

namespace Selectors.Benchmarks.Compare;

/// <summary>Compiles the C peers with cc -O2 into a temporary folder at benchmark time, and removes it afterwards.</summary>
internal sealed class PeerBuild : IDisposable
{
    public PeerBuild()
    {
        Directory.CreateDirectory(Folder);
        foreach (string name in new[] { "echo_epoll", "loadgen", "micro" })
        {
            Compile(name);
        }
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"selectors-bench-{Environment.ProcessId}");

    public string Binary(string name) => Path.Combine(Folder, name);

    public static string PythonScript(string name) => Path.Combine(RepoPaths.PeerSources, name);

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private void Compile(string name)
    {
        var info = new ProcessStartInfo("cc") { UseShellExecute = false, RedirectStandardError = true };
        foreach (string arg in new[] { "-O2", "-Wall", "-o", Path.Combine(Folder, name), Path.Combine(RepoPaths.PeerSources, name + ".c") })
        {
            info.ArgumentList.Add(arg);
        }

        using Process cc = Process.Start(info) ?? throw new InvalidOperationException("cc did not start (install gcc)");
        string errors = cc.StandardError.ReadToEnd();
        if (!cc.WaitForExit(TimeSpan.FromSeconds(60)) || cc.ExitCode != 0)
        {
            throw new InvalidOperationException($"cc {name}.c failed: {errors}");
        }
    }
}
