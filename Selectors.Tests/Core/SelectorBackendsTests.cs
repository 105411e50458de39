using System;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Core;

/// <summary>The backend registry: names, parsing, the factory and the probe.</summary>
public sealed class SelectorBackendsTests
{
    [Test]
    public void EveryBackendIsListedOnce_InTheOrderOfPreference_WithItsLowerCaseName()
    {
        SelectorBackends.All.Should().Equal(SelectorBackend.Epoll, SelectorBackend.Poll, SelectorBackend.Select, SelectorBackend.Afd);
        SelectorBackends.All.Should().BeEquivalentTo(Enum.GetValues<SelectorBackend>());
        SelectorBackends.Names.Should().Equal("epoll", "poll", "select", "afd");
        SelectorBackends.Name(SelectorBackend.Poll).Should().Be("poll");
    }

    [TestCase("epoll", SelectorBackend.Epoll)]
    [TestCase("POLL", SelectorBackend.Poll)]
    [TestCase(" Select ", SelectorBackend.Select)]
    [TestCase("AFD", SelectorBackend.Afd)]
    public void ANameParsesInAnyCase(string name, SelectorBackend expected)
    {
        SelectorBackends.Parse(name).Should().Be(expected);
        SelectorBackends.TryParse(name, out SelectorBackend parsed).Should().BeTrue();
        parsed.Should().Be(expected);
    }

    [TestCase("kqueue")]
    [TestCase("")]
    [TestCase(null)]
    public void AnUnknownNameIsRefused_AndTheMessageListsTheNames(string? name)
    {
        SelectorBackends.TryParse(name, out _).Should().BeFalse();
        FluentActions.Invoking(() => SelectorBackends.Parse(name!)).Should().Throw<ArgumentException>().WithMessage("*epoll, poll, select, afd*");
    }

    [Test]
    public void EachAvailableBackendCreatesASelectorOnItself_AndThePlatformDefaultIsAvailable()
    {
        SelectorBackends.IsAvailable(SelectorFactory.PlatformDefault).Should().BeTrue();
        SelectorBackends.IsAvailable(SelectorBackend.Select).Should().BeTrue("Socket.Select is everywhere");
        SelectorBackends.IsAvailable(SelectorBackend.Epoll).Should().Be(OperatingSystem.IsLinux());
        SelectorBackends.IsAvailable(SelectorBackend.Afd).Should().Be(OperatingSystem.IsWindows(), "the AFD driver is Windows's (Wine's too)");
        foreach (SelectorBackend backend in SelectorBackends.All)
        {
            if (SelectorBackends.IsAvailable(backend))
            {
                using BaseSelector selector = SelectorBackends.Create(backend);
                selector.Backend.Should().Be(backend);
            }
        }

        FluentActions.Invoking(() => SelectorBackends.Create((SelectorBackend)42)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
