using System;
using System.Collections.Generic;
using System.Threading;

namespace Selectors.Engines;

/// <summary>
/// Epoll's and AFD's registrations by slot, for a select path without a lock. Each registration gets a free slot and a new
/// generation, and its <see cref="Registration.Tag"/> (the kernel's event data) holds both, so an event finds its
/// registration by index and is dropped when the slot has been reused since (a kernel registration that outlived its
/// number). Slots are dense whatever the descriptor numbers. Writers are serialised by the selector; a reader reads
/// the array once per wait (after the kernel reported, so after every registration it reports was published) and each
/// entry with acquire semantics, so it sees a registration fully built.
/// </summary>
internal sealed class RegistrationSlots
{
    /// <summary>The tag an engine gives its waker's events: slot and generation both all ones, which <see cref="Add"/> never makes.</summary>
    internal const ulong WakerTag = ulong.MaxValue;

    private readonly Stack<int> _free = new();
    private Registration?[] _slots = new Registration?[16];
    private int _used;
    private uint _generation;

    /// <summary>The current array, for a batch of lookups with <see cref="Find"/>.</summary>
    internal Registration?[] Snapshot => Volatile.Read(ref _slots);

    /// <summary>The registration whose tag is <paramref name="data"/> in <paramref name="snapshot"/>, or null (stale or unknown).</summary>
    internal static Registration? Find(Registration?[] snapshot, ulong data)
    {
        uint slot = (uint)data;
        return slot < (uint)snapshot.Length && Volatile.Read(ref snapshot[slot]) is { } registration && registration.Tag == data
            ? registration
            : null;
    }

    /// <summary>Gives <paramref name="registration"/> a slot and a tag, and publishes it.</summary>
    internal void Add(Registration registration)
    {
        int slot = _free.Count > 0 ? _free.Pop() : _used++;
        Registration?[] slots = _slots;
        if (slot == slots.Length)
        {
            // Readers holding the old array still find every registration it had; the new one is published whole.
            Array.Resize(ref slots, slots.Length * 2);
            Volatile.Write(ref _slots, slots);
        }

        // Never 0 (so no tag is 0) nor all ones (so no tag is WakerTag).
        _generation = _generation + 1 is 0 or uint.MaxValue ? 1 : _generation + 1;
        registration.Tag = ((ulong)_generation << 32) | (uint)slot;
        Volatile.Write(ref slots[slot], registration);
    }

    /// <summary>Forgets <paramref name="registration"/> and frees its slot, if it still holds it.</summary>
    internal void Remove(Registration registration)
    {
        Registration?[] slots = _slots;
        int slot = (int)(uint)registration.Tag;
        if (slot < slots.Length && ReferenceEquals(slots[slot], registration))
        {
            Volatile.Write(ref slots[slot], null);
            _free.Push(slot);
        }
    }
}
