using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary><c>models</c>: a short run over loopback prints one row per concurrency model, each with throughput and no errors.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ModelsExampleTests
{
    private static readonly Regex Row = new(@"^(thread-per-connection|select|epoll)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$");

    [Test]
    public async Task A_one_second_run_prints_the_three_models_with_throughput_and_no_errors()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("The epoll model needs Linux.");
        }

        using var models = ExampleProcess.Start("models", "--seconds", "1", "--connections", "20");
        (await models.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, string.Join("\n", models.ErrorLines));

        models.OutputLines.Should().Contain(l => l.StartsWith("model", StringComparison.Ordinal) && l.Contains("round trips/s") && l.Contains("p50 µs") && l.Contains("p99 µs") && l.Contains("errors"));
        var rows = models.OutputLines.Select(l => Row.Match(l)).Where(m => m.Success).ToList();
        rows.Select(m => m.Groups[1].Value).Should().Equal("thread-per-connection", "select", "epoll");
        foreach (Match row in rows)
        {
            string model = row.Groups[1].Value;
            int.Parse(row.Groups[2].Value).Should().Be(20, model);
            long.Parse(row.Groups[3].Value).Should().BePositive($"{model} completes round trips");
            long.Parse(row.Groups[4].Value).Should().BeLessThanOrEqualTo(long.Parse(row.Groups[5].Value), $"{model}'s p50 is at most its p99");
            int.Parse(row.Groups[6].Value).Should().Be(0, $"{model} has no errors");
        }
    }
}
