using System.Numerics;

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
    public void Append(char c)
    {
        _pending |= (ulong)c << (_pendingUnits * 16);
        if (++_pendingUnits == 4)
        {
            Fold();
        }
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

    private void Fold()
    {
        _state ^= BitOperations.RotateLeft(_pending * Multiplier2, 31) * Multiplier1;
        _state = (BitOperations.RotateLeft(_state, 27) * Multiplier1) + Increment;
        _pending = 0;
        _pendingUnits = 0;
        _units += 4;
    }
}
