using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace QueryWatch.EntityFrameworkCore.Interception;

/// <summary>
/// How long each open reader's command took to execute, so that its disposal can judge the whole
/// duration: EF's DataReaderDisposing reports only the time since the reader was created.
/// A fixed table of slots indexed by EF's random command id: no allocation, no lock. A slot
/// overwritten by a colliding reader (or torn by a concurrent write) costs that reader its
/// execution time, never an error: it is then judged on its reading time alone.
/// The slot also keeps EF's <see cref="CommandSource"/>, which DataReaderDisposing does not carry.
/// </summary>
internal sealed class ReaderExecutionTimes
{
    private const int SlotCount = 4096; // a power of two

    private readonly Slot[] _slots = new Slot[SlotCount];

    public void Record(Guid commandId, TimeSpan executed, CommandSource source)
        => _slots[IndexOf(commandId)] = new Slot(commandId, executed.Ticks, source);

    /// <summary>The execution time recorded for <paramref name="commandId"/>, or zero when its slot was reused.</summary>
    public TimeSpan Take(Guid commandId) => Take(commandId, out _);

    /// <summary>
    /// The execution time recorded for <paramref name="commandId"/> and the command's source; zero and null when its
    /// slot was reused.
    /// </summary>
    public TimeSpan Take(Guid commandId, out CommandSource? source)
    {
        ref var slot = ref _slots[IndexOf(commandId)];
        var copy = slot;
        source = null;
        if (copy.CommandId != commandId) return TimeSpan.Zero;
        slot = default;
        source = copy.Source;
        return TimeSpan.FromTicks(copy.Ticks);
    }

    // EF's command ids come from Guid.NewGuid(): their first bytes are already uniformly random.
    private static int IndexOf(Guid commandId)
        => MemoryMarshal.Read<int>(MemoryMarshal.AsBytes(new ReadOnlySpan<Guid>(in commandId))) & (SlotCount - 1);

    private readonly record struct Slot(Guid CommandId, long Ticks, CommandSource Source);
}
