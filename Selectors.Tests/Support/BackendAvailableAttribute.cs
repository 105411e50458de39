using System;
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace Selectors.Tests.Support;

/// <summary>
/// On a fixture parameterised by backend (its first argument: a <see cref="SelectorBackend"/>, a backend's name in any
/// case, or <c>PollPipe</c>; see <see cref="BackendFixtures"/>), skips each instance whose backend this OS lacks, saying why: NUnit's
/// <see cref="PlatformAttribute"/> can't tell one instance of a fixture from another. Epoll is Linux's; poll (and its
/// pipe waker) are Unix's; select and the default selector run everywhere.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
internal sealed class BackendAvailableAttribute : NUnitAttribute, IApplyToTest
{
    /// <inheritdoc />
    public void ApplyToTest(Test test)
    {
        if (test.RunState == RunState.NotRunnable || test.Arguments.Length == 0)
        {
            return;
        }

        string? missing = BackendOf(test.Arguments[0]) switch
        {
            SelectorBackend.Epoll when !OperatingSystem.IsLinux() => NotOnWindows.Epoll,
            SelectorBackend.Poll when OperatingSystem.IsWindows() => NotOnWindows.Poll,
            _ => null,
        };
        if (missing is not null)
        {
            test.RunState = RunState.Skipped;
            test.Properties.Set(PropertyNames.SkipReason, missing);
        }
    }

    /// <summary>The backend a fixture argument names: a <see cref="SelectorBackend"/>, a backend's name in any case, or <see cref="BackendFixtures.PollPipe"/>.</summary>
    private static SelectorBackend? BackendOf(object? argument) => argument switch
    {
        SelectorBackend backend => backend,
        BackendFixtures.PollPipe => SelectorBackend.Poll,
        string name when SelectorBackends.TryParse(name, out SelectorBackend parsed) => parsed,
        _ => null,
    };
}
