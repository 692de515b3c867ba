namespace QueryWatch.Explain;

/// <summary>
/// The bytes the captures in one pipeline's queue hold together (<see cref="CapturedCommand.RetainedBytes"/>),
/// against <see cref="QueryWatchOptions.MaxQueuedBytes"/>. Writers reserve before queueing, the worker
/// releases what it takes off; lock-free, so the capture path never waits.
/// </summary>
internal sealed class QueueByteBudget(long maxBytes)
{
    private long _queued;

    public long MaxBytes => maxBytes;

    /// <summary>Bytes held by captures queued now.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>True, and the bytes are counted, when they fit; a capture alone larger than the budget never fits.</summary>
    public bool TryReserve(long bytes)
    {
        if (Interlocked.Add(ref _queued, bytes) <= maxBytes) return true;
        Interlocked.Add(ref _queued, -bytes);
        return false;
    }

    public void Release(long bytes) => Interlocked.Add(ref _queued, -bytes);
}
