using System;
using System.IO;

namespace Selectors.Benchmarks.Compare;

/// <summary>Where things are: found from this assembly's folder by walking up to the solution file.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string PeerSources => Path.Combine(Root, "Selectors.Benchmarks", "peers");

    public static string Docs => Path.Combine(Root, "docs");

    /// <summary>The built `echo` example of the same configuration (Selectors.Benchmarks builds it through its project reference).</summary>
    public static string ExamplesDll
    {
        get
        {
            // bin/<Configuration>/<tfm>/ of this assembly names the configuration and framework to look for.
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string configuration = tfm.Parent!.Name;
            return Path.Combine(Root, "Selectors.Examples", "bin", configuration, tfm.Name, "Selectors.Examples.dll");
        }
    }

    public static string BenchmarksDll => typeof(RepoPaths).Assembly.Location;

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        for (int i = 0; i < 10 && dir is not null; i++, dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Selectors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Selectors.sln not found above {AppContext.BaseDirectory}");
    }
}
