using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Selectors.Benchmarks.Compare;

/// <summary>What the figures were measured on: they mean nothing without it.</summary>
internal sealed record Machine(int Cores, string Cpu, string Kernel, string Dotnet, string Python, string LoadAverage, long OpenFileLimit)
{
    public static Machine Describe() => new(
        Environment.ProcessorCount,
        FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        Run("python3", "--version"),
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?",
        OpenFiles());

    /// <summary>The soft limit on open files; N = 10,000 needs a little over 10,000.</summary>
    private static long OpenFiles()
    {
        string? value = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        string[] columns = value?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return columns.Length > 3 && long.TryParse(columns[3], out long limit) ? limit : -1;
    }

    private static string? FirstValue(string path, string key) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(l => l.StartsWith(key, StringComparison.Ordinal)).Select(l => l.Split(':', 2)[1].Trim()).FirstOrDefault()
            : null;

    private static string Run(string file, string arg)
    {
        try
        {
            using Process process = Process.Start(new ProcessStartInfo(file, arg) { RedirectStandardOutput = true, UseShellExecute = false })!;
            string output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(5000);
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }
}
