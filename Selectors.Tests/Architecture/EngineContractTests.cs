using System;
using System.IO;
using System.Linq;
using System.Reflection;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Engines;

namespace Selectors.Tests.Architecture;

/// <summary>
/// The shape docs/design.md gives the base and the engines: <see cref="BaseSelector"/> stays small (the map,
/// validation, lookup and close), and what differs between backends is inside the engine that needs it, not a
/// capability flag that the base branches on.
/// </summary>
public class EngineContractTests
{
    private const int BaseSelectorMaxLines = 300;

    private static readonly Type[] Engines = typeof(SelectorEngine).Assembly.GetTypes()
        .Where(type => type.IsSubclassOf(typeof(SelectorEngine)) || type == typeof(SelectorEngine))
        .ToArray();

    [Test]
    public void BaseSelectorKeepsOnlyTheMapValidationLookupAndClose()
    {
        string path = Path.Combine(SpecCoverageTests.RepositoryRoot(), "Selectors.Core", "BaseSelector.cs");
        File.ReadAllLines(path).Length.Should().BeLessThanOrEqualTo(BaseSelectorMaxLines);
    }

    [Test]
    public void NoEngineExposesACapabilityFlag()
    {
        Engines.Should().HaveCountGreaterThanOrEqualTo(4, "the base and the epoll, poll and select engines");
        Engines.SelectMany(type => type.GetProperties(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(property => property.PropertyType == typeof(bool))
            .Select(property => $"{property.DeclaringType!.Name}.{property.Name}")
            .Should().BeEmpty("an engine implements what differs instead of telling the base what it can do");
    }

    [Test]
    public void OnlyTheEnginesWhoseOsReadsTheInterestSetDuringTheWaitCarryTheWaitingChangesProtocol()
    {
        static bool CarriesProtocol(Type engine) => engine
            .GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
            .Any(field => field.FieldType == typeof(WaitingChanges));

        CarriesProtocol(typeof(EpollEngine)).Should().BeFalse("epoll's interest set is the kernel's, safe to change while another thread waits");
        CarriesProtocol(typeof(PollEngine)).Should().BeTrue();
        CarriesProtocol(typeof(SelectEngine)).Should().BeTrue();
    }
}
