using System.Runtime.CompilerServices;

namespace QueryWatch.Explain;

/// <summary>
/// One owner's statements: an open-addressed table keyed by the text's identity (its object hash code, which
/// the runtime keeps in the object header, not a hash of the characters), 8 slots growing to 64. Past 64
/// statements, a new one takes its home slot and that slot's count starts again. The slot counted last is
/// tried first: a loop sends the same statement again, and then no hash code is read at all.
/// </summary>
internal sealed class StatementCounts
{
    internal const int InitialSlots = 8;  // powers of two
    internal const int MaxSlots = 64;

    private Slot[] _slots = new Slot[InitialSlots];
    private int _used;
    private int _lease;
    private int _last; // the slot of the statement counted last: a loop sends the same one again

    /// <summary>The owner's id (EF's <c>DbContextId.InstanceId</c>): what a thread's cached table is checked by.</summary>
    public Guid OwnerId { get; set; }

    /// <summary>The counter this table belongs to (an owner has one per interceptor).</summary>
    public RepeatedStatements? Table { get; set; }

    /// <summary>The table's size now, in slots (tests).</summary>
    internal int Capacity => _slots.Length;

    public bool Count(int lease, string text, long ticks, int threshold, out TimeSpan total)
    {
        if (lease != _lease) Reset(lease);
        var recent = _slots;
        var last = (uint)_last < (uint)recent.Length ? _last : 0;
        if (ReferenceEquals(recent[last].Text, text)) return Add(ref recent[last], ticks, threshold, out total);
        while (true)
        {
            var slots = _slots;
            var mask = slots.Length - 1;
            var home = RuntimeHelpers.GetHashCode(text) & mask;
            for (int probe = 0, i = home; probe < slots.Length; probe++, i = (i + 1) & mask)
            {
                ref var slot = ref slots[i];
                if (ReferenceEquals(slot.Text, text))
                {
                    _last = i;
                    return Add(ref slot, ticks, threshold, out total);
                }

                if (slot.Text is not null) continue;
                if (_used >= slots.Length / 4 * 3 && slots.Length < MaxSlots) break;
                slot.Text = text;
                _used++;
                _last = i;
                return Add(ref slot, ticks, threshold, out total);
            }

            if (slots.Length < MaxSlots)
            {
                Grow();
                continue;
            }

            // Full at its largest (an owner that ran 64 other statements, none of them repeated enough yet).
            ref var evicted = ref slots[home];
            evicted = new Slot { Text = text };
            _last = home;
            return Add(ref evicted, ticks, threshold, out total);
        }
    }

    private static bool Add(ref Slot slot, long ticks, int threshold, out TimeSpan total)
    {
        total = TimeSpan.Zero;
        // Reported already: the count stops, so the statement is reported once per lease.
        if (slot.Count >= threshold) return false;
        slot.Count++;
        slot.Ticks += ticks;
        if (slot.Count != threshold) return false;
        total = TimeSpan.FromTicks(slot.Ticks);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Reset(int lease)
    {
        Array.Clear(_slots);
        _used = 0;
        _lease = lease;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow()
    {
        var old = _slots;
        var slots = new Slot[old.Length * 2];
        var mask = slots.Length - 1;
        foreach (var slot in old)
        {
            if (slot.Text is null) continue;
            var i = RuntimeHelpers.GetHashCode(slot.Text) & mask;
            while (slots[i].Text is not null) i = (i + 1) & mask;
            slots[i] = slot;
        }
        _slots = slots;
    }

    private struct Slot
    {
        public string? Text;
        public int Count;
        public long Ticks;
    }
}
