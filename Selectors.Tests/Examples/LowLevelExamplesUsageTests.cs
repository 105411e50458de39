using System;
using System.Threading.Tasks;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary><c>--help</c> of each low-level example prints its usage and exits 0; bad arguments print it to stderr and exit 2.</summary>
[TestFixture]
[NonParallelizable]
public sealed class LowLevelExamplesUsageTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [TestCase("echo")]
    [TestCase("select-server")]
    [TestCase("poll-server")]
    [TestCase("models")]
    public async Task Help_prints_the_usage_and_exits_0(string command)
    {
        using var example = ExampleProcess.Start(command, "--help");
        (await example.WaitForExitAsync(Limit)).Should().Be(0);
        example.OutputLines.Should().Contain(l => l.StartsWith($"usage: Selectors.Examples {command} ", StringComparison.Ordinal));
        example.OutputLines.Should().Contain(l => l.TrimStart().StartsWith("--help", StringComparison.Ordinal));
        example.ErrorLines.Should().BeEmpty();
    }

    [TestCase("echo", "--lowlevel", "--backend", "poll")]
    [TestCase("echo", "--edge", "--backend", "select")]
    [TestCase("echo", "--edge=yes")]
    [TestCase("echo", "--lowlevel", "--loops", "2")]
    [TestCase("echo", "--edge", "--loops", "1")]
    [TestCase("select-server", "--backend", "epoll")]
    [TestCase("select-server", "--port", "65536")]
    [TestCase("poll-server", "--host", "localhost")]
    [TestCase("poll-server", "--bogus")]
    [TestCase("models", "--connections", "0")]
    [TestCase("models", "--connections", "1000")]
    [TestCase("models", "--seconds", "soon")]
    [TestCase("models", "--size", "100000")]
    [TestCase("models", "--port", "80")]
    public async Task Bad_arguments_print_the_usage_to_stderr_and_exit_2(params string[] arguments)
    {
        using var example = ExampleProcess.Start(arguments);
        (await example.WaitForExitAsync(Limit)).Should().Be(2);
        example.ErrorLines.Should().Contain(l => l.StartsWith($"usage: Selectors.Examples {arguments[0]}", StringComparison.Ordinal));
        example.OutputLines.Should().BeEmpty();
    }
}
