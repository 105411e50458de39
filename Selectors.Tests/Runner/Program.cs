using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Security;
using System.Text;
using System.Threading;
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
/// Usage: <c>Selectors.Tests [--leg NAME] [--test REGEX]... [--list] [--verbose]</c>. Each <c>--test</c> is a regular
/// expression matched against full test names (for example <c>SelectorConformanceTests\("Select"\)</c>); several are
/// ORed; none runs everything. Prints each failure (with <c>--verbose</c>, each test's name as it starts, which names
/// the test that took a crashing process down), then <c>NAME: N passed, N failed, N skipped</c>, and exits 1 if anything
/// failed or nothing ran.
/// </remarks>
public static class Program
{
    /// <summary>Runs the selected tests and returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        // NUnit calls each test method once through reflection, which runs a first call through the runtime's native
        // invoke path. Under Wine (8.0, .NET 10) an exception leaving such a call, as a failing test's does, hangs or
        // kills the process from the second one on (measured); through the emitted invoke stub it is an ordinary
        // managed exception. Set before NUnit's first call, which is when the runtime reads it.
        AppContext.SetSwitch("Switch.System.Reflection.ForceEmitInvoke", true);
        string leg = "tests";
        var patterns = new List<string>();
        bool list = false;
        bool verbose = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--leg" when i + 1 < args.Length: leg = args[++i]; break;
                case "--test" when i + 1 < args.Length: patterns.Add(args[++i]); break;
                case "--list": list = true; break;
                case "--verbose": verbose = true; break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: Selectors.Tests [--leg NAME] [--test REGEX]... [--list] [--verbose]");
                    return 2;
            }
        }

        // Wine's console does not pass Console.Out through reliably; the raw standard output stream does. Synchronized:
        // the progress listener's watchdog writes from a timer thread.
        using TextWriter output = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true });
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

        using var listener = new ProgressListener(output, verbose);
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

    /// <summary>
    /// One line per failed test with its message and stack, a heartbeat every fifty finished tests, and a line naming
    /// any test still running after <see cref="SlowAfter"/>, so a CI log whose run was killed shows what hung.
    /// </summary>
    private sealed class ProgressListener : ITestListener, IDisposable
    {
        private static readonly TimeSpan SlowAfter = TimeSpan.FromSeconds(60);

        private readonly TextWriter _output;
        private readonly ConcurrentDictionary<string, long> _running = new();
        private readonly Timer _watchdog;
        private int _finished;

        private readonly bool _verbose;

        public ProgressListener(TextWriter output, bool verbose)
        {
            _output = output;
            _verbose = verbose;
            _watchdog = new Timer(_ => ReportSlowTests(), null, SlowAfter, SlowAfter);
        }

        public void Dispose() => _watchdog.Dispose();

        public void TestStarted(ITest test)
        {
            if (!test.IsSuite)
            {
                _running[test.FullName] = Stopwatch.GetTimestamp();
                if (_verbose)
                {
                    _output.WriteLine($"  {test.FullName}");
                }
            }
        }

        public void TestFinished(ITestResult result)
        {
            _running.TryRemove(result.FullName, out _);
            if (result.Test.IsSuite)
            {
                // A suite skipped as a whole (a [Platform] on a parameterised test) also says SetUp: only failures count.
                if (result.ResultState.Status == TestStatus.Failed && result.ResultState.Site is (FailureSite.SetUp or FailureSite.TearDown))
                {
                    _output.WriteLine($"FAILED {result.FullName} ({result.ResultState.Site}): {result.Message}");
                }

                return;
            }

            if (result.ResultState.Status == TestStatus.Failed)
            {
                _output.WriteLine($"FAILED {result.FullName}: {result.Message}{Environment.NewLine}{result.StackTrace}");
            }
            else if (++_finished % 50 == 0)
            {
                _output.WriteLine($"  {_finished} finished");
            }
        }

        private void ReportSlowTests()
        {
            foreach (var (name, started) in _running)
            {
                TimeSpan running = Stopwatch.GetElapsedTime(started);
                if (running >= SlowAfter)
                {
                    _output.WriteLine($"  still running after {running.TotalSeconds:F0} s: {name}");
                }
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
