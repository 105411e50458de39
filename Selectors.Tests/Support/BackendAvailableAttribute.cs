using System;
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace Selectors.Tests.Support;

/// <summary>
/// On a fixture parameterised by backend (<c>[TestFixture("Epoll")]</c>, <c>[TestFixture(SelectorBackend.Poll)]</c>,
/// <c>[TestFixture("epoll")]</c>), skips each instance whose backend this OS lacks, saying why: NUnit's
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

        string? missing = test.Arguments[0]?.ToString()?.ToLowerInvariant() switch
        {
            "epoll" when !OperatingSystem.IsLinux() => NotOnWindows.Epoll,
            "poll" or "pollpipe" when OperatingSystem.IsWindows() => NotOnWindows.Poll,
            _ => null,
        };
        if (missing is not null)
        {
            test.RunState = RunState.Skipped;
            test.Properties.Set(PropertyNames.SkipReason, missing);
        }
    }
}
