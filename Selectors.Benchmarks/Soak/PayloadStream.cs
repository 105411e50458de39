using System;
using System.Buffers.Binary;

namespace Selectors.Benchmarks.Soak;

/// <summary>
/// The bytes one soak connection sends: an endless pseudo-random stream named by a seed, where the byte at any position
/// can be computed without the ones before it (each 8-byte word is splitmix64 of the seed and the word's index).
/// </summary>
/// <remarks>
/// Position-addressable so that neither side keeps what it sent: the sender writes chunks of any size from any
/// position, and the receiver recomputes what must have come back at the position it has reached. Every connection has
/// its own seed, so bytes delivered to the wrong connection, repeated, skipped or reordered do not match.
/// </remarks>
internal readonly struct PayloadStream(ulong seed)
{
    /// <summary>Writes the stream's bytes from <paramref name="position"/> into <paramref name="destination"/>.</summary>
    public void Fill(Span<byte> destination, long position)
    {
        // A partial word first, whole words written in place, then a partial word: chunks start and end anywhere.
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        int done = 0;
        while (done < destination.Length)
        {
            long at = position + done;
            ulong word = Mix(seed + (ulong)(at / sizeof(ulong)));
            int inWord = (int)(at % sizeof(ulong));
            if (inWord == 0 && destination.Length - done >= sizeof(ulong))
            {
                BinaryPrimitives.WriteUInt64LittleEndian(destination[done..], word);
                done += sizeof(ulong);
                continue;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(bytes, word);
            int take = Math.Min(sizeof(ulong) - inWord, destination.Length - done);
            bytes.Slice(inWord, take).CopyTo(destination[done..]);
            done += take;
        }
    }

    /// <summary>How many bytes of <paramref name="received"/> differ from the stream at <paramref name="position"/>.</summary>
    /// <param name="received">What came back.</param>
    /// <param name="position">The stream position of its first byte.</param>
    /// <param name="scratch">Room for the expected bytes, at least as long as <paramref name="received"/>.</param>
    public int CountMismatches(ReadOnlySpan<byte> received, long position, Span<byte> scratch)
    {
        Span<byte> expected = scratch[..received.Length];
        Fill(expected, position);
        if (received.SequenceEqual(expected))
        {
            return 0; // The usual case, vectorised; count byte by byte only to report a corruption.
        }

        int mismatches = 0;
        for (int i = 0; i < received.Length; i++)
        {
            mismatches += received[i] != expected[i] ? 1 : 0;
        }

        return mismatches;
    }

    /// <summary>A seed for connection number <paramref name="serial"/> of a run seeded with <paramref name="runSeed"/>.</summary>
    /// <remarks>Seeds are 64-bit and unrelated, so two connections' streams (a few MiB each) never overlap in practice.</remarks>
    public static PayloadStream ForConnection(int runSeed, long serial) => new(Mix(Mix((ulong)(uint)runSeed) ^ (ulong)serial));

    // splitmix64's finaliser: consecutive inputs give unrelated outputs.
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
