using System;
using System.Runtime.InteropServices;
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
// Named apart from the namespace Selectors.Tests.Architecture, which hides the type inside Selectors.Tests.
using CpuArchitecture = System.Runtime.InteropServices.Architecture;

namespace Selectors.Tests.Support;

/// <summary>
/// Runs a test only in a process of one architecture and skips it elsewhere with the reason given, as NUnit's
/// <see cref="PlatformAttribute"/> does for operating systems (it has no names for architectures).
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
internal sealed class ProcessArchitectureAttribute(CpuArchitecture architecture) : NUnitAttribute, IApplyToTest
{
    /// <summary>Why the test applies to this architecture only.</summary>
    public string Reason { get; set; } = "";

    /// <inheritdoc />
    public void ApplyToTest(Test test)
    {
        if (test.RunState == RunState.NotRunnable || RuntimeInformation.ProcessArchitecture == architecture)
        {
            return;
        }

        test.RunState = RunState.Skipped;
        test.Properties.Set(PropertyNames.SkipReason, $"Runs as {architecture} only: {Reason}");
    }
}
