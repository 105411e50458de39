using System;
using FluentAssertions;
using NUnit.Framework;

namespace Selectors.Tests.Backends;

/// <summary>Spec A2, A4, N8, N13: the public selector classes and what they share.</summary>
public class SelectorTypesTests
{
    [TestCase(typeof(EpollSelector))]
    [TestCase(typeof(PollSelector))]
    [TestCase(typeof(SelectSelector))]
    [TestCase(typeof(DefaultSelector))]
    public void A2_A4_EverySelectorIsASealedBaseSelector(Type type)
    {
        type.IsSealed.Should().BeTrue();
        type.BaseType.Should().Be(typeof(BaseSelector), "the key map and validation live once, in the base class");
        type.Should().Implement<ISelector>();
        type.GetConstructor(Type.EmptyTypes).Should().NotBeNull();
    }

    [TestCase(typeof(PollSelector))]
    [TestCase(typeof(SelectSelector))]
    public void N8_N13_PollAndSelectHaveNoDescriptorOfTheirOwn(Type type) =>
        type.GetMethod("Fileno").Should().BeNull();

    [Test]
    public void N1_EpollExposesItsDescriptor() =>
        typeof(EpollSelector).GetMethod("Fileno", Type.EmptyTypes)!.ReturnType.Should().Be(typeof(int));
}
