namespace QueryWatch.Samples.Incidents.Seed001;

/// <summary>The fix's summary: one row per user with that user's latest dequeue, kept by a trigger in production.</summary>
internal sealed class LastDequeue
{
    public int UserId { get; set; }

    public DateTime? LatestDequeue { get; set; }
}
