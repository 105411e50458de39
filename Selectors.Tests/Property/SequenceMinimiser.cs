using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace Selectors.Tests.Property;

/// <summary>
/// Finishes CsCheck's shrinking. CsCheck shrinks by keeping the smallest failing sample among the random ones it
/// tries, which leaves a sequence of a dozen or more steps; this removes steps (chunks, then single steps, as delta
/// debugging does) for as long as the sequence still fails, so the report ends with a sequence in which every step
/// matters. Bounded in runs and time, since every try opens real sockets.
/// </summary>
internal static class SequenceMinimiser
{
    private const int MaxRuns = 5_000;
    private static readonly TimeSpan s_maxTime = TimeSpan.FromSeconds(20);

    /// <summary>The shortest failing sequence found from <paramref name="failing"/>, and the failure it ends with.</summary>
    /// <param name="failing">A sequence that fails.</param>
    /// <param name="run">Runs a sequence; throws when it fails.</param>
    internal static (Operation[] Sequence, Exception Failure) Minimise(Operation[] failing, Action<Operation[]> run)
    {
        if (Fails(failing, run) is not { } failure)
        {
            return (failing, new InvalidOperationException("the sequence passed when run again: the failure is not reproducible"));
        }

        long start = Stopwatch.GetTimestamp();
        int runs = 0;
        List<Operation> current = failing.ToList();
        for (int chunk = Math.Max(1, current.Count / 2); chunk >= 1; chunk /= 2)
        {
            bool removed;
            do
            {
                removed = false;
                for (int at = 0; at < current.Count && runs < MaxRuns && Stopwatch.GetElapsedTime(start) < s_maxTime; at += chunk)
                {
                    List<Operation> candidate = current.Take(at).Concat(current.Skip(at + chunk)).ToList();
                    runs++;
                    if (Fails(candidate.ToArray(), run) is { } candidateFailure)
                    {
                        current = candidate;
                        failure = candidateFailure;
                        removed = true;
                        at -= chunk; // the next chunk now starts here
                    }
                }
            }
            while (removed && runs < MaxRuns && Stopwatch.GetElapsedTime(start) < s_maxTime);
        }

        return (current.ToArray(), failure);
    }

    private static Exception? Fails(Operation[] sequence, Action<Operation[]> run)
    {
        try
        {
            run(sequence);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
