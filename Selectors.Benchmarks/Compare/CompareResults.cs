using System;
using System.Collections.Generic;
using Selectors.Benchmarks.Micro;

namespace Selectors.Benchmarks.Compare;

/// <summary>Everything one compare run measured, for the console tables, docs/benchmarks.md and the plot.</summary>
internal sealed class CompareResults
{
    public required Machine Machine { get; init; }

    public required string Command { get; init; }

    public required bool Quick { get; init; }

    public required DateTime StartedUtc { get; init; }

    public TimeSpan Duration { get; set; }

    public int[] Sizes { get; init; } = [];

    public List<MicroResult> Micro { get; } = [];

    public double AllocatedBytesPerRegistration { get; set; } = double.NaN;

    public double RetainedBytesPerRegistration { get; set; } = double.NaN;

    public List<EchoResult> Echo { get; } = [];

    public int EchoRepetitions { get; set; }

    public int MicroRounds { get; set; } = 1;

    public double EchoSeconds { get; set; }

    /// <summary>Server name → syscall name → calls per round trip.</summary>
    public Dictionary<string, Dictionary<string, double>> Syscalls { get; } = [];

    public int SyscallConnections { get; set; }

    public List<string> Notes { get; } = [];

    public double Ns(string target, int n) => Micro.Find(m => m.Target == target && m.N == n)?.NsPerCall ?? double.NaN;
}
