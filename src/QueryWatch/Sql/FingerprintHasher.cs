using System.Numerics;
using System.Runtime.CompilerServices;

namespace QueryWatch.Sql;

/// <summary>
/// A small streaming 64-bit hash over UTF-16 code units: four units are packed into one word
/// and folded in with a multiply-rotate round; the end avalanches the state with the length.
/// Fixed constants and no per-process seed, so an id is the same in every process and release.
/// Changing anything here changes every fingerprint id users have recorded: don't.
/// </summary>
internal struct FingerprintHasher
{
    // Odd 64-bit constants with well-mixed bits (the golden-ratio one and two large primes).
    private const ulong Multiplier1 = 0x9E3779B97F4A7C15;
    private const ulong Multiplier2 = 0xC2B2AE3D27D4EB4F;
    private const ulong Increment = 0x165667B19E3779F9;
    private const ulong Seed = 0x51_57_46_50_5F_76_31_00; // "QWFP_v1"

    private ulong _state;
    private ulong _pending;
    private int _pendingUnits;
    private long _units;

    /// <summary>Starts an empty hash.</summary>
    public FingerprintHasher()
    {
        _state = Seed;
    }

    /// <summary>Adds one UTF-16 code unit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(char c)
    {
        _pending |= (ulong)c << (_pendingUnits * 16);
        if (++_pendingUnits == 4)
        {
            Fold();
        }
    }

    /// <summary>Adds each code unit of <paramref name="text"/>, ASCII upper-case letters folded to lower-case when asked.</summary>
    public void Append(ReadOnlySpan<char> text, bool foldAsciiUpperCase)
    {
        // Same result as Append(char) per unit; fields kept in locals for the loop.
        var state = _state;
        var pending = _pending;
        var pendingUnits = _pendingUnits;
        var units = _units;
        foreach (var unit in text)
        {
            var c = foldAsciiUpperCase && unit is >= 'A' and <= 'Z' ? (char)(unit + 32) : unit;
            pending |= (ulong)c << (pendingUnits * 16);
            if (++pendingUnits == 4)
            {
                state = Round(state, pending);
                pending = 0;
                pendingUnits = 0;
                units += 4;
            }
        }

        _state = state;
        _pending = pending;
        _pendingUnits = pendingUnits;
        _units = units;
    }

    /// <summary>Adds a token boundary of the given kind, so "ab" "c" and "a" "bc" differ.</summary>
    public void AppendTag(int tag) => Append((char)(0xE000 + tag));

    /// <summary>The hash of everything appended so far.</summary>
    public readonly ulong Finish()
    {
        var state = _state ^ (BitOperations.RotateLeft(_pending * Multiplier2, 31) * Multiplier1);
        state ^= (ulong)(_units + _pendingUnits) * Multiplier2;
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

    private void Fold()
    {
        _state = Round(_state, _pending);
        _pending = 0;
        _pendingUnits = 0;
        _units += 4;
    }
}
