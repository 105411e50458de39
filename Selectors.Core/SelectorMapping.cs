using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace Selectors;

/// <summary>
/// The live, read-only view returned by <see cref="ISelector.GetMap"/>: descriptor to key, as Python's
/// <c>get_map()</c>. Besides descriptors it answers for file objects, like Python's mapping (<c>m[sock]</c>,
/// <c>sock in m</c>, <c>m.get(sock)</c>). Enumerating it while the selector changes throws
/// <see cref="System.InvalidOperationException"/>; enumeration order is unspecified.
/// </summary>
public sealed class SelectorMapping : IReadOnlyDictionary<int, SelectorKey>
{
    private readonly Dictionary<int, SelectorKey> _keys;

    internal SelectorMapping(Dictionary<int, SelectorKey> keys) => _keys = keys;

    /// <summary>The number of registrations.</summary>
    public int Count => _keys.Count;

    /// <summary>The registered descriptors.</summary>
    public IEnumerable<int> Keys => _keys.Keys;

    /// <summary>The registered keys.</summary>
    public IEnumerable<SelectorKey> Values => _keys.Values;

    /// <summary>The key registered for <paramref name="fd"/>.</summary>
    /// <exception cref="KeyNotFoundException"><paramref name="fd"/> is not registered.</exception>
    public SelectorKey this[int fd] =>
        _keys.TryGetValue(fd, out SelectorKey? key) ? key : throw new KeyNotFoundException($"{fd} is not registered");

    /// <summary>The key registered for <paramref name="fileObject"/> (Python's <c>m[fileobj]</c>).</summary>
    /// <exception cref="KeyNotFoundException">It is not registered.</exception>
    /// <exception cref="System.ArgumentException">It yields no descriptor and is not registered by reference.</exception>
    public SelectorKey this[object fileObject] =>
        Get(fileObject) ?? throw new KeyNotFoundException($"{fileObject} is not registered");

    /// <summary>The key registered for <paramref name="fileObject"/>, or null (Python's <c>m.get(fileobj)</c>).</summary>
    /// <exception cref="System.ArgumentException">It yields no descriptor and is not registered by reference.</exception>
    public SelectorKey? Get(object fileObject) =>
        _keys.TryGetValue(FileObjects.Lookup(fileObject, _keys), out SelectorKey? key) ? key : null;

    /// <summary>Whether <paramref name="fileObject"/> is registered (Python's <c>fileobj in m</c>).</summary>
    /// <exception cref="System.ArgumentException">It yields no descriptor and is not registered by reference.</exception>
    public bool Contains(object fileObject) => Get(fileObject) is not null;

    /// <summary>Whether <paramref name="fd"/> is registered.</summary>
    public bool ContainsKey(int fd) => _keys.ContainsKey(fd);

    /// <summary>The key registered for <paramref name="fd"/>, if any.</summary>
    public bool TryGetValue(int fd, [MaybeNullWhen(false)] out SelectorKey value) => _keys.TryGetValue(fd, out value);

    /// <summary>Enumerates (descriptor, key) pairs.</summary>
    public Dictionary<int, SelectorKey>.Enumerator GetEnumerator() => _keys.GetEnumerator();

    IEnumerator<KeyValuePair<int, SelectorKey>> IEnumerable<KeyValuePair<int, SelectorKey>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
