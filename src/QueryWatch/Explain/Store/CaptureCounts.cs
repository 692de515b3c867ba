namespace QueryWatch.Explain.Store;

/// <summary>Counts of captures of one statement shape (or one plan shape) not written yet.</summary>
internal sealed class CaptureCounts(DateTimeOffset first)
{
    public DateTimeOffset First { get; private set; } = first;
    public DateTimeOffset Last { get; private set; } = first;
    public long Slow { get; private set; }
    public long Cancelled { get; private set; }
    public long TimedOut { get; private set; }
    public long Count { get; private set; }
    public double CapturedMs { get; private set; }
    public double UnfinishedMs { get; private set; }

    public void Add(CommandOutcome outcome, TimeSpan duration, DateTimeOffset at)
    {
        if (at < First) First = at;
        if (at > Last) Last = at;
        Count++;
        CapturedMs += duration.TotalMilliseconds;
        switch (outcome)
        {
            case CommandOutcome.Slow: Slow++; break;
            case CommandOutcome.Cancelled: Cancelled++; UnfinishedMs += duration.TotalMilliseconds; break;
            case CommandOutcome.TimedOut: TimedOut++; UnfinishedMs += duration.TotalMilliseconds; break;
        }
    }
}
