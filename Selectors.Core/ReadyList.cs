using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;

namespace Selectors;

/// <summary>
/// What the Python-shaped <c>Select</c> returns: the ready (key, events) pairs, read-only, sized to them. The first
/// enumeration enumerates the list itself, as C#'s iterators hand themselves out, so the usual <c>foreach</c> over the
/// result allocates nothing beyond the list (a <see cref="List{T}"/> seen as <see cref="IReadOnlyList{T}"/> boxes its
/// enumerator on every <c>foreach</c>). Later or concurrent enumerations get an enumerator of their own.
/// </summary>
internal sealed class ReadyList(ReadOnlySpan<(SelectorKey Key, SelectorEvents Events)> ready)
    : IReadOnlyList<(SelectorKey Key, SelectorEvents Events)>, IEnumerator<(SelectorKey Key, SelectorEvents Events)>
{
    private const int NotHandedOut = -2;

    private readonly (SelectorKey Key, SelectorEvents Events)[] _items = ready.ToArray();
    private int _position = NotHandedOut;

    /// <summary>How many descriptors are ready.</summary>
    public int Count => _items.Length;

    /// <summary>The current pair of the list's own enumeration.</summary>
    public (SelectorKey Key, SelectorEvents Events) Current => _items[_position];

    object IEnumerator.Current => Current;

    /// <summary>The pair at <paramref name="index"/>.</summary>
    public (SelectorKey Key, SelectorEvents Events) this[int index] => _items[index];

    /// <summary>The list itself the first time, a new enumerator after that.</summary>
    public IEnumerator<(SelectorKey Key, SelectorEvents Events)> GetEnumerator() =>
        Interlocked.CompareExchange(ref _position, -1, NotHandedOut) == NotHandedOut
            ? this
            : ((IEnumerable<(SelectorKey Key, SelectorEvents Events)>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Moves the list's own enumeration on.</summary>
    public bool MoveNext()
    {
        if (_position < _items.Length)
        {
            _position++;
        }

        return _position < _items.Length;
    }

    /// <summary>Starts the list's own enumeration again.</summary>
    public void Reset() => _position = -1;

    /// <summary>Ends the list's own enumeration; there is nothing to release.</summary>
    public void Dispose()
    {
    }
}
