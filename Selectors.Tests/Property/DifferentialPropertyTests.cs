using System;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Property;

/// <summary>
/// Differential property tests: seeded random sequences of register, modify, unregister, get-key, select, write, read,
/// shutdown and close over a Unix socket pair, a loopback TCP pair and a pipe, each step checked against
/// <see cref="ReadinessModel"/> (results, exception types, select entries, the map). A failure reports the seed, CsCheck's
/// shrunk sequence and a minimal one; see docs/reliability.md section 2.
/// </summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.Selectors))]
public sealed class DifferentialPropertyTests
{
    /// <summary>Replays one sequence: <c>Backend:seed</c> as a failure prints it (a bare seed replays on every backend).</summary>
    internal const string SeedVariable = "SELECTORS_PROP_SEED";

    /// <summary>Operations to run per backend (default <see cref="DefaultOperations"/>).</summary>
    internal const string OperationsVariable = "SELECTORS_PROP_OPS";

    /// <summary>Per backend; four backends make 100,000, five times the 20,000 a CI run must reach.</summary>
    internal const int DefaultOperations = 25_000;

    /// <summary>Main's closing rules (docs/reliability.md section 1) are in: closing a registered object is generated.</summary>
    private const bool CloseRegisteredSupported = true;

    private const int CoverageCheckedFrom = 5_000;

    private readonly string _backend;

    public DifferentialPropertyTests(string backend) => _backend = backend;

    [Test]
    public void Random_sequences_agree_with_the_model()
    {
        string? seed = ReplaySeed();
        int target = int.Parse(Setting(OperationsVariable, "PropertyOps") ?? DefaultOperations.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        bool socketsOnly = BackendOf(NewSelector) is SelectorBackend.Select or SelectorBackend.Afd;
        Gen<Operation[]> sequences = OperationGenerator.Sequence(socketsOnly ? Endpoints.SocketCount : Endpoints.AllCount, CloseRegisteredSupported);

        long executed = 0;
        long runs = 0;
        var tally = new OutcomeTally();
        Operation[]? smallestFailing = null;
        void Property(Operation[] operations)
        {
            try
            {
                executed += SequenceRunner.Run(NewSelector, operations, CloseRegisteredSupported, tally);
                runs++;
            }
            catch
            {
                if (smallestFailing is null || operations.Length < smallestFailing.Length)
                {
                    smallestFailing = operations;
                }

                throw;
            }
        }

        long start = Stopwatch.GetTimestamp();
        try
        {
            // One thread: the machine is shared, and a failing sequence then runs alone, as it does when replayed.
            if (seed is not null)
            {
                Check.Sample(sequences, Property, seed: seed, iter: 1, threads: 1, print: Operation.Print);
            }
            else
            {
                // Steps that do not apply are skipped, so the count is topped up until it reaches the target (bounded).
                for (int round = 0; round < 20 && executed < target; round++)
                {
                    long iter = ((target - executed) / ((OperationGenerator.MinLength + OperationGenerator.MaxLength) / 2)) + 1;
                    Check.Sample(sequences, Property, iter: iter, threads: 1, print: Operation.Print);
                }
            }
        }
        catch (Exception e) when (e is not AssertionException)
        {
            Assert.Fail(Report(e, smallestFailing));
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        TestContext.Out.WriteLine($"{_backend}: {executed} operations in {runs} sequences, {seconds:F1} s");
        TestContext.Out.WriteLine($"{_backend}: {tally}");
        if (seed is null)
        {
            Assert.That(executed, Is.GreaterThanOrEqualTo(target), "operations run");
        }

        // The sequences must reach the interesting states, or agreeing with the model would say little (checked on
        // runs long enough for every kind of step to come up).
        if (seed is null && target >= CoverageCheckedFrom)
        {
            Assert.That(tally["Select non-empty"], Is.GreaterThan(target / 20), "selects that reported something");
            Assert.That(tally["Register ArgumentException"], Is.GreaterThan(0), "refused registrations");
            Assert.That(tally["Unregister KeyNotFoundException"], Is.GreaterThan(0), "unregistrations of unknown objects");
            Assert.That(tally["CloseRegistered ok"], Is.GreaterThan(0), "registered objects closed");
        }
    }

    /// <summary>The failure message: how to replay, CsCheck's shrunk sequence, and the minimal one with its failure.</summary>
    private string Report(Exception checkFailure, Operation[]? smallestFailing)
    {
        Match seed = Regex.Match(checkFailure.Message, "Set seed: \"([^\"]+)\"");
        string replay = seed.Success ? $"{SeedVariable}={_backend}:{seed.Groups[1].Value}" : $"{SeedVariable}=<seed below>";
        string report = $"{_backend}: a sequence disagrees with the model. Replay: {replay} "
            + $"dotnet test Selectors.Tests -c Release --filter \"FullyQualifiedName~Property\"{Environment.NewLine}"
            + $"CsCheck: {checkFailure.Message}{Environment.NewLine}";
        if (smallestFailing is null)
        {
            return report + checkFailure;
        }

        var (minimal, failure) = SequenceMinimiser.Minimise(smallestFailing, ops => SequenceRunner.Run(NewSelector, ops, CloseRegisteredSupported));
        return report + $"Minimal (steps removed while it still fails): {Operation.Print(minimal)}{Environment.NewLine}"
            + $"Failure: {failure.GetType().Name}: {failure.Message}";
    }

    /// <summary>The seed to replay on this backend, or null to run random sequences.</summary>
    private string? ReplaySeed()
    {
        string? setting = Setting(SeedVariable, "PropertySeed");
        if (setting is null)
        {
            return null;
        }

        int colon = setting.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return setting;
        }

        if (!string.Equals(setting[..colon], _backend, StringComparison.OrdinalIgnoreCase))
        {
            Assert.Ignore($"{SeedVariable} replays a sequence of {setting[..colon]}");
        }

        return setting[(colon + 1)..];
    }

    private BaseSelector NewSelector() =>
        _backend == "Default" ? new DefaultSelector() : SelectorFactory.Create(Enum.Parse<SelectorBackend>(_backend));

    private static SelectorBackend BackendOf(Func<BaseSelector> create)
    {
        using BaseSelector selector = create();
        return selector.Backend;
    }

    /// <summary>An environment variable, else an NUnit run parameter (<c>-- TestRunParameters.Parameter(name="...", value="...")</c>).</summary>
    private static string? Setting(string variable, string parameter) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : TestContext.Parameters.Get(parameter);
}
