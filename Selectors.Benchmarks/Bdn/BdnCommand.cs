using System;
using System.IO;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Selectors.Benchmarks.Bdn;

/// <summary>
/// <c>bdn [BenchmarkDotNet arguments, e.g. --filter *Epoll*]</c> (pass no --job: the job is set here). In-process: BenchmarkDotNet's generated project
/// would inherit this repository's central package management and warnings-as-errors, so the benchmarks run in this
/// (Release) process instead. Results go under the build output's BenchmarkDotNet.Artifacts.
/// </summary>
internal static class BdnCommand
{
    public static int Run(string[] args)
    {
        IConfig config = DefaultConfig.Instance
            // 3 warm-ups and 10 measured iterations: enough on a quiet machine, and bounded on a shared one.
            .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance).WithId("InProcess"))
            .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
        BenchmarkSwitcher
            .FromTypes([typeof(EpollSelectorBenchmarks), typeof(PollSelectorBenchmarks), typeof(SelectSelectorBenchmarks), typeof(EpollInstanceBenchmarks)])
            .Run(args, config);
        return 0;
    }
}
