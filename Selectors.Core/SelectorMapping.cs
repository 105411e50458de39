using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace Selectors;

/// <summary>
/// The live, read-only view returned by <see cref="ISelector.GetMap"/>: descriptor to key, as Python's
/// <c>get_map()</c>. Besides descriptors it answers for file objects, like Python's mapping (<c>m[sock]</c>,
/// <c>sock in m</c>, <c>m.get(sock)</c>). Lookups and <see cref="Count"/> are thread-safe; enumerating it while the
/// selector changes throws <see cref="System.InvalidOperationException"/>, so enumerate on the thread that registers.
/// Enumeration order is unspecified.
/// </summary>
public sealed class SelectorMapping : IReadOnlyDictionary<int, SelectorKey>
{
    private readonly RegistrationTable _table;
    private readonly object _gate;

    internal SelectorMapping(RegistrationTable table, object gate)
    {
        _table = table;
        _gate = gate;
    }

    /// <summary>The number of registrations.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _table.Count;
            }
        }
    }

    /// <summary>The registered descriptors.</summary>
    public IEnumerable<int> Keys
    {
        get
        {
            foreach (Registration registration in _table)
            {
                yield return registration.Fd;
            }
        }
    }

    /// <summary>The registered keys.</summary>
    public IEnumerable<SelectorKey> Values
    {
        get
        {
            foreach (Registration registration in _table)
            {
                yield return registration.Key;
            }
        }
    }

    /// <summary>The key registered for <paramref name="fd"/>.</summary>
    /// <exception cref="KeyNotFoundException"><paramref name="fd"/> is not registered.</exception>
    public SelectorKey this[int fd] =>
        TryGetValue(fd, out SelectorKey? key) ? key : throw new KeyNotFoundException($"{fd} is not registered");

    /// <summary>The key registered for <paramref name="fileObject"/> (Python's <c>m[fileobj]</c>).</summary>
    /// <exception cref="KeyNotFoundException">It is not registered.</exception>
    /// <exception cref="System.ArgumentException">It yields no descriptor and is not registered by reference.</exception>
    public SelectorKey this[object fileObject] =>
        Get(fileObject) ?? throw new KeyNotFoundException($"{fileObject} is not registered");

    /// <summary>The key registered for <paramref name="fileObject"/>, or null (Python's <c>m.get(fileobj)</c>).</summary>
    /// <exception cref="System.ArgumentException">It yields no descriptor and is not registered by reference.</exception>
    public SelectorKey? Get(object fileObject)
    {
        lock (_gate)
        {
            return _table.Find(fileObject, out _)?.Key;
        }
    }

    /// <summary>Whether <paramref name="fileObject"/> is registered (Python's <c>fileobj in m</c>).</summary>
    /// <exception cref="System.ArgumentException">It yields no descriptor and is not registered by reference.</exception>
    public bool Contains(object fileObject) => Get(fileObject) is not null;

    /// <summary>Whether <paramref name="fd"/> is registered.</summary>
    public bool ContainsKey(int fd) => TryGetValue(fd, out _);

    /// <summary>The key registered for <paramref name="fd"/>, if any.</summary>
    public bool TryGetValue(int fd, [MaybeNullWhen(false)] out SelectorKey value)
    {
        lock (_gate)
        {
            value = _table.TryGet(fd, out Registration? registration) ? registration.Key : null;
            return value is not null;
        }
    }

    /// <summary>Enumerates (descriptor, key) pairs.</summary>
    public Enumerator GetEnumerator() => new(_table.GetEnumerator());

    IEnumerator<KeyValuePair<int, SelectorKey>> IEnumerable<KeyValuePair<int, SelectorKey>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Enumerates a <see cref="SelectorMapping"/> without allocating.</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<int, SelectorKey>>
    {
        private RegistrationTable.Enumerator _inner;

        internal Enumerator(RegistrationTable.Enumerator inner) => _inner = inner;

        /// <summary>The current (descriptor, key) pair.</summary>
        public readonly KeyValuePair<int, SelectorKey> Current => new(_inner.Current.Fd, _inner.Current.Key);

        readonly object IEnumerator.Current => Current;

        /// <summary>Advances to the next pair.</summary>
        /// <exception cref="System.InvalidOperationException">The selector changed since enumeration began.</exception>
        public bool MoveNext() => _inner.MoveNext();

        /// <summary>Does nothing; there is nothing to release.</summary>
        public void Dispose()
        {
        }

        void IEnumerator.Reset() => _inner.Reset();
    }
}
