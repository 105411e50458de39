using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Core;

/// <summary>
/// The selector's own hash table (open addressing, linear probing, backward-shift deletion) agrees with a plain
/// dictionary after every step of a seeded random run of adds and removes, over descriptors chosen to collide: dense
/// Unix numbers, Windows-style multiples of 4, multiples of 1024, and large values up to <see cref="int.MaxValue"/>.
/// </summary>
public sealed class RegistrationTableTests
{
    private const int PoolSize = 300;

    private static readonly Dictionary<string, int[]> Pools = new()
    {
        ["Dense"] = Enumerable.Range(0, PoolSize).ToArray(),
        ["MultiplesOf4"] = Enumerable.Range(0, PoolSize).Select(i => 4 * i).ToArray(),
        ["MultiplesOf1024"] = Enumerable.Range(0, PoolSize).Select(i => 1024 * i).ToArray(),
        ["MultiplesOf65536"] = Enumerable.Range(0, PoolSize).Select(i => 65536 * i).ToArray(),
        ["Large"] = Enumerable.Range(0, PoolSize).Select(i => int.MaxValue - (i * 7919)).ToArray(),
        ["Mixed"] = Enumerable.Range(0, PoolSize / 4).SelectMany(i => new[] { i, 4 * i + 1000, 1024 * i, int.MaxValue - i }).Distinct().ToArray(),
    };

    private static IEnumerable<string> PoolNames => Pools.Keys;

    [Test]
    public void RandomAddsAndRemoves_AgreeWithADictionary_AfterEveryStep(
        [ValueSource(nameof(PoolNames))] string pool, [Values(1, 2, 3)] int seed)
    {
        int[] fds = Pools[pool];
        var random = new Random(seed);
        var table = new RegistrationTable();
        var reference = new Dictionary<int, Registration>();
        const int steps = 4000;
        for (int step = 0; step < steps; step++)
        {
            // Fill towards the whole pool in the first half, empty it in the second: the table grows through several
            // doublings, then runs long chains of backward shifts.
            double addBias = step < steps / 2 ? 0.75 : 0.25;
            int fd = fds[random.Next(fds.Length)];
            if (reference.TryGetValue(fd, out Registration? present))
            {
                if (random.NextDouble() >= addBias)
                {
                    table.Remove(present);
                    reference.Remove(fd);
                }
            }
            else if (random.NextDouble() < addBias)
            {
                Registration registration = NewRegistration(fd);
                table.Add(registration);
                reference.Add(fd, registration);
            }
            else
            {
                table.Remove(NewRegistration(fd)); // absent: changes nothing
            }

            ShouldAgree(table, reference, fds, $"{pool}, seed {seed}, step {step}");
        }
    }

    [Test]
    public void EnumeratingAfterAnAdd_Throws()
    {
        RegistrationTable table = TableOf(1, 2, 3);
        RegistrationTable.Enumerator enumerator = table.GetEnumerator();
        enumerator.MoveNext().Should().BeTrue();
        table.Add(NewRegistration(4));
        FluentActions.Invoking(() => enumerator.MoveNext()).Should().Throw<InvalidOperationException>();
    }

    [Test]
    public void EnumeratingAfterARemove_Throws()
    {
        RegistrationTable table = TableOf(1, 2, 3);
        table.TryGet(2, out Registration? two).Should().BeTrue();
        RegistrationTable.Enumerator enumerator = table.GetEnumerator();
        enumerator.MoveNext().Should().BeTrue();
        table.Remove(two!);
        FluentActions.Invoking(() => enumerator.MoveNext()).Should().Throw<InvalidOperationException>();
    }

    [Test]
    public void EnumeratingAfterAClear_Throws()
    {
        RegistrationTable table = TableOf(1, 2, 3);
        RegistrationTable.Enumerator enumerator = table.GetEnumerator();
        table.Clear();
        FluentActions.Invoking(() => enumerator.MoveNext()).Should().Throw<InvalidOperationException>();
    }

    [Test]
    public void EnumeratingTheMapAfterAnUnregister_Throws()
    {
        var (a, b) = Peers.SocketPair();
        using (a)
        using (b)
        using (var selector = new DefaultSelector())
        {
            SelectorKey kept = selector.Register(a, SelectorEvents.Read);
            selector.Register(b, SelectorEvents.Read);
            Action enumerateAndUnregister = () =>
            {
                foreach (var _ in selector.GetMap())
                {
                    selector.Unregister(b);
                }
            };
            enumerateAndUnregister.Should().Throw<InvalidOperationException>();
            selector.GetMap().Keys.Should().Equal(new[] { kept.Fd }, "the change itself went through");
        }
    }

    [Test]
    public void AddingATakenDescriptor_Throws_AndChangesNothing()
    {
        RegistrationTable table = TableOf(5, 9);
        table.TryGet(5, out Registration? original).Should().BeTrue();
        table.Invoking(t => t.Add(NewRegistration(5))).Should().Throw<ArgumentException>();
        table.Count.Should().Be(2);
        table.TryGet(5, out Registration? found).Should().BeTrue();
        found.Should().BeSameAs(original);
    }

    [Test]
    public void Clear_EmptiesTheTable_WhichStaysUsable()
    {
        RegistrationTable table = TableOf(Enumerable.Range(0, 100).ToArray());
        table.Clear();
        table.Count.Should().Be(0);
        Enumerate(table).Should().BeEmpty();
        table.TryGet(7, out _).Should().BeFalse();
        table.Add(NewRegistration(7));
        table.TryGet(7, out Registration? seven).Should().BeTrue();
        seven!.Fd.Should().Be(7);
    }

    [Test]
    public void Find_ByDescriptor_AndByReference()
    {
        var fileObject = new object();
        var registration = Registration.Create(new SelectorKey(fileObject, 1024, SelectorEvents.Read, null), SelectorTrigger.Level);
        RegistrationTable table = TableOf(0, 4, 2048);
        table.Add(registration);

        table.Find(1024, out int byNumber).Should().BeSameAs(registration);
        byNumber.Should().Be(1024);
        table.Find(fileObject, out int byReference).Should().BeSameAs(registration, "an object without a descriptor is found among the keys");
        byReference.Should().Be(1024);
        table.Find(3, out _).Should().BeNull();
        table.Invoking(t => t.Find(new object(), out _)).Should().Throw<ArgumentException>();
    }

    private static void ShouldAgree(RegistrationTable table, Dictionary<int, Registration> reference, int[] fds, string because)
    {
        table.Count.Should().Be(reference.Count, because);
        foreach (int fd in fds)
        {
            bool found = table.TryGet(fd, out Registration? registration);
            if (found != reference.TryGetValue(fd, out Registration? expected) || !ReferenceEquals(registration, expected))
            {
                Assert.Fail($"{because}: lookup of {fd} found {registration?.Fd.ToString() ?? "nothing"}, expected {expected?.Fd.ToString() ?? "nothing"}");
            }
        }

        List<Registration> enumerated = Enumerate(table);
        enumerated.Should().HaveCount(reference.Count, because);
        enumerated.Should().OnlyHaveUniqueItems(because);
        foreach (Registration registration in enumerated)
        {
            if (!reference.TryGetValue(registration.Fd, out Registration? expected) || !ReferenceEquals(registration, expected))
            {
                Assert.Fail($"{because}: enumeration yielded {registration.Fd}, which is not registered");
            }
        }
    }

    private static List<Registration> Enumerate(RegistrationTable table)
    {
        var result = new List<Registration>();
        foreach (Registration registration in table)
        {
            result.Add(registration);
        }

        return result;
    }

    private static RegistrationTable TableOf(params int[] fds)
    {
        var table = new RegistrationTable();
        foreach (int fd in fds)
        {
            table.Add(NewRegistration(fd));
        }

        return table;
    }

    private static Registration NewRegistration(int fd) =>
        Registration.Create(new SelectorKey(new object(), fd, SelectorEvents.Read, null), SelectorTrigger.Level);
}
