using System;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>The command lines of the http and chat examples: <c>--help</c> exits 0, bad arguments print the usage to stderr and exit 2.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ServerExampleArgumentsTests
{
    [TestCase("http", "--bogus")]
    [TestCase("http", "--max-header-bytes", "0")]
    [TestCase("http", "--idle-timeout", "-1")]
    [TestCase("http", "--idle-timeout", "soon")]
    [TestCase("http", "--header-timeout", "-1")]
    [TestCase("http", "--backlog", "0")]
    [TestCase("http", "--nodelay=yes")]
    [TestCase("http", "--backend", "kqueue")]
    [TestCase("http", "--loops", "0")]
    [TestCase("http", "--loops", "-1")]
    [TestCase("http", "--loops", "abc")]
    [TestCase("chat", "--loops", "2")]
    [TestCase("chat", "--max-line", "5")]
    [TestCase("chat", "--max-queue", "lots")]
    [TestCase("chat", "--port", "65536")]
    [TestCase("chat", "--host", "localhost")]
    public async Task Http_and_chat_reject_bad_arguments_with_their_usage_on_stderr_and_exit_code_2(string command, params string[] arguments)
    {
        using ExampleProcess server = ExampleProcess.Start([command, .. arguments]);
        (await server.WaitForExitAsync()).Should().Be(2);
        server.ErrorLines.Should().Contain(l => l.StartsWith($"usage: Selectors.Examples {command}", StringComparison.Ordinal));
        server.OutputLines.Should().BeEmpty();
    }

    [TestCase("http", "--max-header-bytes N")]
    [TestCase("http", "--header-timeout SECONDS")]
    [TestCase("chat", "--max-queue BYTES")]
    public async Task Http_and_chat_print_their_usage_on_help_and_exit_0(string command, string option)
    {
        using ExampleProcess server = ExampleProcess.Start(command, "--help");
        (await server.WaitForExitAsync()).Should().Be(0);
        server.OutputLines.First().Should().StartWith($"usage: Selectors.Examples {command}");
        server.OutputLines.Should().Contain(l => l.TrimStart().StartsWith(option, StringComparison.Ordinal));
        server.OutputLines.Should().Contain(l => l.TrimStart().StartsWith("--backend NAME", StringComparison.Ordinal));
        server.ErrorLines.Should().BeEmpty();
    }
}
