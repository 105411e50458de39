using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using NUnit.Framework;

namespace Selectors.Tests.Core;

/// <summary>
/// The list Select's result: the first enumeration is the list itself (so a foreach allocates nothing), and every other
/// enumeration, later, nested or at the same time, sees every pair in order all the same.
/// </summary>
public sealed class ReadyListTests
{
    private static readonly (SelectorKey Key, SelectorEvents Events)[] Pairs = Enumerable.Range(0, 5)
        .Select(i => (new SelectorKey(new object(), i, SelectorEvents.Read, i), i % 2 == 0 ? SelectorEvents.Read : SelectorEvents.Write))
        .ToArray();

    [Test]
    public void ItHoldsThePairsInOrder_AndIndexes()
    {
        var list = new ReadyList(Pairs);
        list.Count.Should().Be(Pairs.Length);
        list[3].Should().Be(Pairs[3]);
        list.Invoking(l => l[Pairs.Length]).Should().Throw<IndexOutOfRangeException>();
        list.Should().Equal(Pairs);
    }

    [Test]
    public void EnumeratingTwiceOrNestedSeesEveryPairEachTime()
    {
        var list = new ReadyList(Pairs);
        var outer = new List<int>();
        var inner = new List<int>();
        foreach (var (key, _) in list)
        {
            outer.Add(key.Fd);
            foreach (var (nested, _) in list)
            {
                inner.Add(nested.Fd);
            }
        }

        outer.Should().Equal(0, 1, 2, 3, 4);
        inner.Should().HaveCount(Pairs.Length * Pairs.Length);
        list.Select(p => p.Key.Fd).Should().Equal(0, 1, 2, 3, 4);
        list.ToList().Should().Equal(Pairs);
    }

    [Test]
    public void TheListsOwnEnumerationCanBeReset()
    {
        var list = new ReadyList(Pairs);
        using IEnumerator<(SelectorKey Key, SelectorEvents Events)> enumerator = list.GetEnumerator();
        enumerator.MoveNext().Should().BeTrue();
        enumerator.MoveNext().Should().BeTrue();
        enumerator.Current.Should().Be(Pairs[1]);
        enumerator.Reset();
        enumerator.MoveNext().Should().BeTrue();
        enumerator.Current.Should().Be(Pairs[0]);
        while (enumerator.MoveNext())
        {
        }

        enumerator.MoveNext().Should().BeFalse("an ended enumeration stays ended");
    }

    [Test]
    public void AnEmptyResultEnumeratesNothing()
    {
        var list = new ReadyList(ReadOnlySpan<(SelectorKey Key, SelectorEvents Events)>.Empty);
        list.Count.Should().Be(0);
        list.Should().BeEmpty();
    }
}
