using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using CsCheck;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Property;

/// <summary>
/// Differential property tests: seeded random sequences of register, modify, unregister, get-key, select, write, read,
/// shutdown and close over a Unix socket pair, a loopback TCP pair and a pipe, each step checked against
/// <see cref="ReadinessModel"/> (results, exception types, select entries, the map). CsCheck shrinks a failing sequence
/// and prints it with the seed that reproduces it; see docs/reliability.md section 2.
/// </summary>
[TestFixture("Epoll")]
[TestFixture("Poll")]
[TestFixture("Select")]
[TestFixture("Default")]
public sealed class DifferentialPropertyTests
{
    /// <summary>A CsCheck seed to replay (one sequence only); from the failure message.</summary>
    internal const string SeedVariable = "SELECTORS_PROP_SEED";

    /// <summary>Operations to run per backend (default <see cref="DefaultOperations"/>).</summary>
    internal const string OperationsVariable = "SELECTORS_PROP_OPS";

    /// <summary>Four backends times this is the 20,000 operations a CI run must reach at least.</summary>
    internal const int DefaultOperations = 6_000;

    private const bool CloseRegisteredSupported = false;

    private readonly string _backend;

    public DifferentialPropertyTests(string backend) => _backend = backend;

    [Test]
    public void Random_sequences_agree_with_the_model()
    {
        string? seed = Setting(SeedVariable, "PropertySeed");
        int target = int.Parse(Setting(OperationsVariable, "PropertyOps") ?? DefaultOperations.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        bool socketsOnly = NewSelectorBackend() == SelectorBackend.Select;
        Gen<Operation[]> sequences = OperationGenerator.Sequence(socketsOnly ? Endpoints.SocketCount : Endpoints.AllCount, CloseRegisteredSupported);

        long executed = 0;
        long runs = 0;
        void Property(Operation[] operations)
        {
            Interlocked.Add(ref executed, SequenceRunner.Run(NewSelector, operations, CloseRegisteredSupported));
            Interlocked.Increment(ref runs);
        }

        long start = Stopwatch.GetTimestamp();
        try
        {
            if (seed is not null)
            {
                Check.Sample(sequences, Property, seed: seed, iter: 1, threads: 1, print: Operation.Print);
            }
            else
            {
                // Steps that do not apply are skipped, so the count is topped up until it reaches the target (bounded).
                for (int round = 0; round < 20 && Interlocked.Read(ref executed) < target; round++)
                {
                    long missing = target - Interlocked.Read(ref executed);
                    long iter = (missing / ((OperationGenerator.MinLength + OperationGenerator.MaxLength) / 2)) + 1;
                    Check.Sample(sequences, Property, iter: iter, threads: 1, print: Operation.Print);
                }
            }
        }
        catch (Exception e) when (e is not AssertionException)
        {
            Assert.Fail($"{_backend}: a sequence disagrees with the model. Replay it with {SeedVariable}=<the seed below> "
                + $"(or --TestRunParameters PropertySeed=<seed>).{Environment.NewLine}{e.Message}");
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        TestContext.Out.WriteLine($"{_backend}: {executed} operations in {runs} sequences, {seconds:F1} s");
        if (seed is null)
        {
            Assert.That(executed, Is.GreaterThanOrEqualTo(target), "operations run");
        }
    }

    private BaseSelector NewSelector() =>
        _backend == "Default" ? new DefaultSelector() : SelectorFactory.Create(Enum.Parse<SelectorBackend>(_backend));

    private SelectorBackend NewSelectorBackend()
    {
        using BaseSelector selector = NewSelector();
        return selector.Backend;
    }

    /// <summary>An environment variable, else an NUnit run parameter (<c>-- TestRunParameters.Parameter(name=..., value=...)</c>).</summary>
    private static string? Setting(string variable, string parameter) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : TestContext.Parameters.Get(parameter);
}
