using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace QueryWatch.Sql;

/// <summary>
/// A small 64-bit hash over a stream of tokens: each token mixes in its tag and length, then
/// its UTF-16 code units four at a time (the last word zero-padded) with a multiply-rotate
/// round; the end avalanches the state with the token count. Fixed constants and no
/// per-process seed, so an id is the same in every process and release. Changing anything
/// here changes every fingerprint id users have recorded: don't.
/// </summary>
internal struct FingerprintHasher
{
    // Odd 64-bit constants with well-mixed bits (the golden-ratio one and two large primes).
    private const ulong Multiplier1 = 0x9E3779B97F4A7C15;
    private const ulong Multiplier2 = 0xC2B2AE3D27D4EB4F;
    private const ulong Increment = 0x165667B19E3779F9;
    private const ulong Seed = 0x51_57_46_50_5F_76_31_00; // "QWFP_v1"

    private ulong _state;
    private long _tokens;

    /// <summary>Starts an empty hash.</summary>
    public FingerprintHasher()
    {
        _state = Seed;
    }

    /// <summary>Adds one token: its tag, then its text, ASCII upper-case letters folded to lower-case when asked.</summary>
    public void AppendToken(int tag, scoped ReadOnlySpan<char> text, bool foldAsciiUpperCase)
    {
        var state = Round(_state, ((ulong)(uint)text.Length << 8) | (uint)tag);
        var i = 0;
        if (BitConverter.IsLittleEndian && !(foldAsciiUpperCase && text.ContainsAnyInRange('A', 'Z')))
        {
            // Four code units read as one little-endian word equal the per-unit packing below.
            var words = MemoryMarshal.Cast<char, ulong>(text);
            foreach (var word in words)
            {
                state = Round(state, word);
            }

            i = words.Length * 4;
        }

        ulong pending = 0;
        var shift = 0;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (foldAsciiUpperCase && c is >= 'A' and <= 'Z')
            {
                c = (char)(c + 32);
            }

            pending |= (ulong)c << shift;
            shift += 16;
            if (shift == 64)
            {
                state = Round(state, pending);
                pending = 0;
                shift = 0;
            }
        }

        if (shift != 0)
        {
            state = Round(state, pending);
        }

        _state = state;
        _tokens++;
    }

    /// <summary>The hash of every token appended so far.</summary>
    public readonly ulong Finish() => Finish(_state, _tokens);

    /// <summary>The state before any token, for callers that keep the state in a local.</summary>
    internal const ulong InitialState = Seed;

    /// <summary>
    /// <see cref="AppendToken"/> split for <see cref="FingerprintScanner"/>, which keeps the state
    /// in a register: the header round of a token of <paramref name="length"/> units.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong AppendHeader(ulong state, int tag, int length) =>
        Round(state, ((ulong)(uint)length << 8) | (uint)tag);

    /// <summary>The text rounds of a token (little-endian hosts only), ASCII letters folded to lower-case when asked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong AppendText(ulong state, ReadOnlySpan<char> text, bool foldAsciiUpperCase)
    {
        var words = MemoryMarshal.Cast<char, ulong>(text);
        foreach (var word in words)
        {
            state = Round(state, foldAsciiUpperCase ? FoldAsciiUpperCase(word) : word);
        }

        var rest = text.Length & 3;
        if (rest != 0)
        {
            var tail = text[^rest..];
            ulong pending = tail[0];
            if (rest > 1)
            {
                pending |= (ulong)tail[1] << 16;
                if (rest > 2)
                {
                    pending |= (ulong)tail[2] << 32;
                }
            }

            state = Round(state, foldAsciiUpperCase ? FoldAsciiUpperCase(pending) : pending);
        }

        return state;
    }

    /// <summary>What <see cref="Finish()"/> returns for a state kept outside the struct.</summary>
    internal static ulong Finish(ulong state, long tokens)
    {
        state ^= (ulong)tokens * Multiplier2;
        state ^= state >> 33;
        state *= Multiplier2;
        state ^= state >> 29;
        state *= Multiplier1;
        state ^= state >> 32;
        return state;
    }

    // Four UTF-16 units at once: a lane gets 0x20 added when it is 'A'..'Z'. Masking the top bit
    // first keeps the per-lane additions from carrying into the next lane; a lane whose top bit
    // was set is no ASCII letter.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FoldAsciiUpperCase(ulong word)
    {
        const ulong Lanes = 0x0001_0001_0001_0001;
        var low = word & (0x7FFF * Lanes);
        var atLeastA = low + ((0x8000 - 'A') * Lanes);
        var aboveZ = low + ((0x8000 - 'Z' - 1) * Lanes);
        var upper = atLeastA & ~aboveZ & ~word & (0x8000 * Lanes);
        return word | (upper >> 10);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong state, ulong word)
    {
        state ^= BitOperations.RotateLeft(word * Multiplier2, 31) * Multiplier1;
        return (BitOperations.RotateLeft(state, 27) * Multiplier1) + Increment;
    }
}
