using System.Runtime.InteropServices;
using QueryWatch.Rules;

namespace QueryWatch.Explain;

/// <summary>
/// The commands one interceptor has running right now, for live sampling: a fixed table of slots,
/// each holding a command's start time, its backend's process id and a generation number. The
/// interceptor claims a slot when a command starts and clears it when the command ends; the sampler
/// only reads slots, and hangs a <see cref="SampleLog"/> on the ones it sampled. No allocation and no
/// lock on either interceptor path: a slot is claimed with one compare-exchange, and cleared with plain
/// stores (one exchange more only when the sampler left samples), and no clock is read: a command's
/// start is the time of the sampler's latest wake (<see cref="Advance"/>), at most one interval before
/// the real start. Reading a clock cost more than the rest of the hot path together (25 to 80 ns per
/// read on the 2-core VM of docs/performance.md). A command that finds no free slot near its own (the table is full there) is not sampled, only counted.
/// </summary>
internal sealed class InFlightCommands
{
    /// <summary>Slots in the table; a power of two.</summary>
    public const int SlotCount = 1024;

    /// <summary>How far from its home slot a command looks for a free one, and its end looks for it.</summary>
    public const int ProbeLength = 32;

    private const int Free = 0;
    private const int Claimed = 1;

    private readonly Slot[] _slots = new Slot[SlotCount];
    private long _tableFull;
    private long _clockMs = Environment.TickCount64;

    /// <summary>Creates a table whose commands are due for sampling once they ran <paramref name="threshold"/>.</summary>
    public InFlightCommands(TimeSpan threshold) => Threshold = threshold;

    /// <summary>How long a command runs before the sampler looks at it (the interceptor's SlowCommandThreshold).</summary>
    public TimeSpan Threshold { get; }

    /// <summary>Commands that were not sampled because no slot was free.</summary>
    public long TableFull => Interlocked.Read(ref _tableFull);

    /// <summary>The sampler woke at <paramref name="nowMs"/> (<see cref="Environment.TickCount64"/>): commands claimed from now on start then.</summary>
    public void Advance(long nowMs) => Volatile.Write(ref _clockMs, nowMs);

    /// <summary>Notes that command <paramref name="commandId"/> started on backend <paramref name="processId"/>; false when the table is full.</summary>
    public bool TryClaim(Guid commandId, int processId)
    {
        var startMs = Volatile.Read(ref _clockMs);
        var home = HomeOf(commandId);
        for (var i = 0; i < ProbeLength; i++)
        {
            ref var slot = ref _slots[(home + i) & (SlotCount - 1)];
            if (Volatile.Read(ref slot.State) != Free || Interlocked.CompareExchange(ref slot.State, Claimed, Free) != Free) continue;
            // The slot is ours until End frees it. The generation goes last: the sampler reads a slot
            // only when its generation is non-zero and unchanged around its reads.
            // Generations count per slot (its owner alone writes them): no shared counter to contend on.
            slot.CommandId = commandId;
            slot.ProcessId = processId;
            slot.StartMs = startMs;
            var generation = ++slot.LastGeneration;
            Volatile.Write(ref slot.Generation, generation);
            return true;
        }

        Interlocked.Increment(ref _tableFull);
        return false;
    }

    /// <summary>
    /// Frees the slot of command <paramref name="commandId"/> and returns what the sampler saw of it,
    /// or null (not sampled, never claimed, or already ended).
    /// </summary>
    public SampleLog? End(Guid commandId)
    {
        var home = HomeOf(commandId);
        for (var i = 0; i < ProbeLength; i++)
        {
            ref var slot = ref _slots[(home + i) & (SlotCount - 1)];
            if (Volatile.Read(ref slot.State) != Claimed || slot.CommandId != commandId) continue;
            var generation = slot.Generation;
            var log = Volatile.Read(ref slot.Samples);
            if (log is not null) log = Interlocked.Exchange(ref slot.Samples, null);
            Volatile.Write(ref slot.Generation, 0);
            slot.CommandId = default;
            Volatile.Write(ref slot.State, Free);
            // A log the sampler hung on this slot for an earlier command is not this command's.
            return log is not null && log.Generation == generation ? log : null;
        }

        return null;
    }

    /// <summary>
    /// Adds to <paramref name="due"/> every command that has surely run at least <see cref="Threshold"/> at
    /// <paramref name="nowMs"/> (<see cref="Environment.TickCount64"/>), its start known to within
    /// <paramref name="interval"/> (the sampler's). Reads memory only.
    /// </summary>
    public void CollectDue(long nowMs, TimeSpan interval, List<DueCommand> due)
    {
        // Noted start <= real start < noted start + interval: past threshold + interval since the noted
        // start, the command is past the threshold for sure; its elapsed time is reckoned from the middle.
        var intervalMs = (long)interval.TotalMilliseconds;
        var dueMs = (long)Threshold.TotalMilliseconds + intervalMs;
        for (var i = 0; i < SlotCount; i++)
        {
            ref var slot = ref _slots[i];
            if (Volatile.Read(ref slot.State) != Claimed) continue;
            var generation = Volatile.Read(ref slot.Generation);
            if (generation == 0) continue;
            var start = slot.StartMs;
            var pid = slot.ProcessId;
            // Changed while read: that command ended (or another started); the next tick sees the new one.
            if (Volatile.Read(ref slot.Generation) != generation) continue;
            var elapsed = nowMs - start;
            if (elapsed < dueMs) continue;
            due.Add(new DueCommand(this, i, generation, pid, TimeSpan.FromMilliseconds(elapsed - (intervalMs / 2))));
        }
    }

    /// <summary>Records <paramref name="sample"/> for the command in <paramref name="due"/>'s slot, if it is still running.</summary>
    public void Add(DueCommand due, ActivitySample sample)
    {
        ref var slot = ref _slots[due.Index];
        if (Volatile.Read(ref slot.Generation) != due.Generation) return;
        var log = Volatile.Read(ref slot.Samples);
        if (log is null || log.Generation != due.Generation)
        {
            var fresh = new SampleLog(due.Generation);
            if (Interlocked.CompareExchange(ref slot.Samples, fresh, log) != log) return;
            log = fresh;
        }

        log.Add(sample);
        // The command ended while the log was hung: End has taken (or will take) the slot; leave no log behind.
        if (Volatile.Read(ref slot.Generation) != due.Generation) Interlocked.CompareExchange(ref slot.Samples, null, log);
    }

    // EF's command ids come from Guid.NewGuid(): their first bytes are already uniformly random.
    private static int HomeOf(Guid commandId)
        => MemoryMarshal.Read<int>(MemoryMarshal.AsBytes(new ReadOnlySpan<Guid>(in commandId))) & (SlotCount - 1);

    private struct Slot
    {
        public int State;
        public int ProcessId;
        public long Generation;
        public long StartMs;
        public long LastGeneration;
        public Guid CommandId;
        public SampleLog? Samples;
    }
}

/// <summary>A command the sampler found past the threshold: where its slot is and which command held it.</summary>
/// <param name="Table">The table the slot is in.</param>
/// <param name="Index">The slot.</param>
/// <param name="Generation">The command's generation: a slot reused by a later command has another.</param>
/// <param name="ProcessId">Its backend's pid.</param>
/// <param name="Elapsed">How long it had run when collected.</param>
internal readonly record struct DueCommand(InFlightCommands Table, int Index, long Generation, int ProcessId, TimeSpan Elapsed);

/// <summary>The samples taken of one command while it ran, oldest first. Written by the sampler, read once the command ends.</summary>
internal sealed class SampleLog(long generation)
{
    // A command past the threshold is sampled every interval: a cap keeps a command that runs for
    // hours from growing the log without bound (the first samples and the latest ones tell the story).
    private const int Capacity = 120;

    private readonly List<ActivitySample> _samples = [];

    /// <summary>The generation of the command the samples belong to.</summary>
    public long Generation { get; } = generation;

    public void Add(ActivitySample sample)
    {
        lock (_samples)
        {
            if (_samples.Count == Capacity) _samples.RemoveAt(Capacity / 2);
            _samples.Add(sample);
        }
    }

    /// <summary>A copy of the samples so far.</summary>
    public ActivitySample[] Snapshot()
    {
        lock (_samples) return _samples.ToArray();
    }
}
