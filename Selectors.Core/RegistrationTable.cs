using System;
using System.Diagnostics.CodeAnalysis;

namespace Selectors;

/// <summary>
/// The selector's map, descriptor to <see cref="Registration"/>, with Python's lookup rules: a file object is found by
/// its descriptor, or, when it yields none (closed), by reference among the registered keys.
/// </summary>
/// <remarks>
/// An open-addressing hash table rather than a <c>Dictionary&lt;int, Registration&gt;</c>, to keep the managed memory per
/// registration small: a registration already knows its descriptor, so a slot holds only the reference (8 bytes, at
/// most half the slots in use, so 16 to 32 bytes per registration), where the dictionary's entries, buckets and the
/// arrays left behind by its growth cost about 100. Linear probing, with no tombstones: a removal shifts the rest of
/// its run back, so lookups never wade through dead slots however long the selector lives. The table never shrinks,
/// as a dictionary never does; <see cref="Clear"/> (the selector's close) lets its array go.
/// </remarks>
internal sealed class RegistrationTable
{
    /// <summary>Small, since most selectors watch a handful of descriptors; a power of two, as every length is.</summary>
    private const int InitialCapacity = 8;

    private Registration?[] _slots = new Registration?[InitialCapacity];

    /// <summary>32 − log2(length): the hash keeps the top bits of the product, which the multiplication mixes best.</summary>
    private int _shift = 32 - 3;

    private int _count;

    /// <summary>Changes with every change of the contents, so an enumerator can tell it was overtaken.</summary>
    private int _version;

    internal int Count => _count;

    internal bool TryGet(int fd, [MaybeNullWhen(false)] out Registration registration)
    {
        int index = IndexOf(fd);
        registration = index >= 0 ? _slots[index] : null;
        return registration is not null;
    }

    /// <exception cref="ArgumentException">Its descriptor is already in the table (the callers retire the old one first).</exception>
    internal void Add(Registration registration)
    {
        int fd = registration.Fd;
        int index = IndexOf(fd);
        if (index >= 0)
        {
            throw new ArgumentException($"FD {fd} is already in the table.", nameof(registration));
        }

        // At most half full: probe runs stay short, and a lookup always ends at an empty slot.
        if ((_count + 1) * 2 > _slots.Length)
        {
            Grow();
            index = IndexOf(fd);
        }

        _slots[~index] = registration;
        _count++;
        _version++;
    }

    /// <summary>Removes whatever is registered under <paramref name="registration"/>'s descriptor, if anything.</summary>
    internal void Remove(Registration registration)
    {
        int hole = IndexOf(registration.Fd);
        if (hole < 0)
        {
            return;
        }

        // Backward-shift deletion: every later entry of the run whose home is not between the hole and itself would be
        // cut off from its home by an empty slot, so it moves into the hole, which moves to where it was.
        Registration?[] slots = _slots;
        int mask = slots.Length - 1;
        for (int index = (hole + 1) & mask; slots[index] is { } next; index = (index + 1) & mask)
        {
            int home = Home(next.Fd);
            if (((index - home) & mask) >= ((index - hole) & mask))
            {
                slots[hole] = next;
                hole = index;
            }
        }

        slots[hole] = null;
        _count--;
        _version++;
    }

    /// <summary>Empties the table and lets its array go: only the selector's close clears it, and a closed selector stays empty.</summary>
    internal void Clear()
    {
        _slots = new Registration?[InitialCapacity];
        _shift = 32 - 3;
        _count = 0;
        _version++;
    }

    /// <summary>
    /// The registration of <paramref name="fileObject"/>, or null when it has none. A stale registration (its own object
    /// closed) does not belong to another object that now has its number.
    /// </summary>
    /// <param name="fileObject">The object to look up.</param>
    /// <param name="fd">Its descriptor, or the registration's when it was found by reference.</param>
    /// <exception cref="ArgumentException">It yields no descriptor and is not registered by reference.</exception>
    internal Registration? Find(object fileObject, out int fd)
    {
        fd = FileObjects.TryGetFd(fileObject);
        if (fd < 0)
        {
            foreach (Registration candidate in this)
            {
                if (ReferenceEquals(candidate.Key.FileObject, fileObject))
                {
                    fd = candidate.Fd;
                    return candidate;
                }
            }

            throw FileObjects.NoDescriptor(fileObject);
        }

        return TryGet(fd, out Registration? registration)
            && (!registration.Stale || ReferenceEquals(registration.Key.FileObject, fileObject))
                ? registration
                : null;
    }

    /// <summary>
    /// Enumerates the registrations, in slot order (unspecified to callers), without allocating. Public because
    /// <c>foreach</c> finds only a public <c>GetEnumerator</c>; the class being internal keeps it so.
    /// </summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>
    /// Fibonacci hashing: the product by 2^32/φ spreads descriptors that differ only in their low or high bits (Unix
    /// numbers are small and dense, Windows socket handles multiples of 4) over the whole table.
    /// </summary>
    private int Home(int fd) => (int)(unchecked((uint)fd * 0x9E3779B9u) >> _shift);

    /// <summary>The slot holding <paramref name="fd"/>, or the complement (negative) of the empty slot that ends its run.</summary>
    private int IndexOf(int fd)
    {
        Registration?[] slots = _slots;
        int mask = slots.Length - 1;
        for (int index = Home(fd); ; index = (index + 1) & mask)
        {
            Registration? registration = slots[index];
            if (registration is null)
            {
                return ~index;
            }

            if (registration.Fd == fd)
            {
                return index;
            }
        }
    }

    private void Grow()
    {
        Registration?[] old = _slots;
        _slots = new Registration?[old.Length * 2];
        _shift--;
        int mask = _slots.Length - 1;
        foreach (Registration? registration in old)
        {
            if (registration is not null)
            {
                int index = Home(registration.Fd);
                while (_slots[index] is not null)
                {
                    index = (index + 1) & mask;
                }

                _slots[index] = registration;
            }
        }
    }

    /// <summary>Walks the slots of one version of the table; any change to the table makes the next step throw.</summary>
    internal struct Enumerator
    {
        private readonly RegistrationTable _table;

        /// <summary>The array at the start: a later change replaces or reshuffles it, and the version check catches that.</summary>
        private readonly Registration?[] _slots;
        private readonly int _version;
        private int _index;
        private Registration? _current;

        internal Enumerator(RegistrationTable table)
        {
            _table = table;
            _slots = table._slots;
            _version = table._version;
            _index = -1;
            _current = null;
        }

        /// <summary>The registration at the current position; null before the first and after the last.</summary>
        public readonly Registration Current => _current!;

        /// <exception cref="InvalidOperationException">The table changed since enumeration began.</exception>
        public bool MoveNext()
        {
            ThrowIfChanged();
            while (_index + 1 < _slots.Length)
            {
                _index++;
                if (_slots[_index] is { } registration)
                {
                    _current = registration;
                    return true;
                }
            }

            _index = _slots.Length;
            _current = null;
            return false;
        }

        /// <exception cref="InvalidOperationException">The table changed since enumeration began.</exception>
        public void Reset()
        {
            ThrowIfChanged();
            _index = -1;
            _current = null;
        }

        private readonly void ThrowIfChanged()
        {
            if (_version != _table._version)
            {
                throw new InvalidOperationException("The selector changed while its map was being enumerated.");
            }
        }
    }
}
