namespace QueryWatch.Explain;

/// <summary>
/// The process's own count of cancelled and timed-out captures per statement shape: the <c>CancelledCount</c> a
/// finding carries without a Store (pg_stat_statements never counts an execution that did not finish). Worker thread
/// only; bounded: past <see cref="MaxEntries"/> shapes it starts again rather than grow.
/// </summary>
internal sealed class UnfinishedCounts
{
    public const int MaxEntries = 10_000;

    private readonly Dictionary<ulong, long> _counts = [];

    public void Record(ulong fingerprint, CommandOutcome outcome)
    {
        if (outcome is not (CommandOutcome.Cancelled or CommandOutcome.TimedOut)) return;
        if (_counts.Count >= MaxEntries && !_counts.ContainsKey(fingerprint)) _counts.Clear();
        _counts[fingerprint] = _counts.GetValueOrDefault(fingerprint) + 1;
    }

    public long Of(ulong fingerprint) => _counts.GetValueOrDefault(fingerprint);
}
