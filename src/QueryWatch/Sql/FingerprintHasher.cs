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
    public readonly ulong Finish()
    {
        var state = _state ^ ((ulong)_tokens * Multiplier2);
        state ^= state >> 33;
        state *= Multiplier2;
        state ^= state >> 29;
        state *= Multiplier1;
        state ^= state >> 32;
        return state;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong state, ulong word)
    {
        state ^= BitOperations.RotateLeft(word * Multiplier2, 31) * Multiplier1;
        return (BitOperations.RotateLeft(state, 27) * Multiplier1) + Increment;
    }
}
