using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Security;
using System.Text;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace Selectors.Tests.Runner;

/// <summary>
/// The test assembly's own entry point, for the CI legs that run a self-contained build where <c>dotnet test</c> can't:
/// Windows under Wine, linux-arm64 under qemu, and linux-x64 without libMonoPosixHelper. NUnit's own runner is loaded
/// in-process (NUnitLite is not on the registry). <c>dotnet test</c> does not use this: it loads the assembly itself.
/// </summary>
/// <remarks>
/// Usage: <c>Selectors.Tests [--leg NAME] [--test REGEX]... [--list]</c>. Each <c>--test</c> is a regular expression
/// matched against full test names (for example <c>SelectorConformanceTests\("Select"\)</c>); several are ORed; none
/// runs everything. Prints each failure, then <c>NAME: N passed, N failed, N skipped</c>, and exits 1 if anything failed
/// or nothing ran.
/// </remarks>
public static class Program
{
    /// <summary>Runs the selected tests and returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        string leg = "tests";
        var patterns = new List<string>();
        bool list = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--leg" when i + 1 < args.Length: leg = args[++i]; break;
                case "--test" when i + 1 < args.Length: patterns.Add(args[++i]); break;
                case "--list": list = true; break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: Selectors.Tests [--leg NAME] [--test REGEX]... [--list]");
                    return 2;
            }
        }

        // Wine's console does not pass Console.Out through reliably; the raw standard output stream does.
        using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        runner.Load(typeof(Program).Assembly, new Dictionary<string, object>());
        ITestFilter filter = Filter(patterns);
        if (list)
        {
            foreach (string name in Names(runner.ExploreTests(filter)))
            {
                output.WriteLine(name);
            }

            return 0;
        }

        var listener = new ProgressListener(output);
        ITestResult result = runner.Run(listener, filter);
        output.WriteLine($"{leg}: {result.PassCount} passed, {result.FailCount} failed, {result.SkipCount + result.InconclusiveCount} skipped");
        return result.FailCount == 0 && result.PassCount > 0 ? 0 : 1;
    }

    private static ITestFilter Filter(List<string> patterns)
    {
        if (patterns.Count == 0)
        {
            return TestFilter.Empty;
        }

        var xml = new StringBuilder("<filter><or>");
        foreach (string pattern in patterns)
        {
            xml.Append("<test re=\"1\">").Append(SecurityElement.Escape(pattern)).Append("</test>");
        }

        return TestFilter.FromXml(xml.Append("</or></filter>").ToString());
    }

    private static IEnumerable<string> Names(ITest test)
    {
        if (!test.IsSuite)
        {
            yield return test.FullName;
            yield break;
        }

        foreach (ITest child in test.Tests)
        {
            foreach (string name in Names(child))
            {
                yield return name;
            }
        }
    }

    /// <summary>One line per failed test with its message and stack, and a dot per ten finished tests as a heartbeat.</summary>
    private sealed class ProgressListener(TextWriter output) : ITestListener
    {
        private int _finished;

        public void TestStarted(ITest test)
        {
        }

        public void TestFinished(ITestResult result)
        {
            if (result.Test.IsSuite)
            {
                if (result.ResultState.Site is FailureSite.SetUp or FailureSite.TearDown)
                {
                    output.WriteLine($"FAILED {result.FullName} ({result.ResultState.Site}): {result.Message}");
                }

                return;
            }

            if (result.ResultState.Status == TestStatus.Failed)
            {
                output.WriteLine($"FAILED {result.FullName}: {result.Message}{Environment.NewLine}{result.StackTrace}");
            }
            else if (++_finished % 50 == 0)
            {
                output.WriteLine($"  {_finished} finished");
            }
        }

        public void TestOutput(TestOutput testOutput)
        {
        }

        public void SendMessage(TestMessage message)
        {
        }
    }
}
