namespace QueryWatch.Samples.Incidents.Seed003;

/// <summary>A CI pipeline; locked = 1 keeps its artifacts from expiring.</summary>
internal sealed class Pipeline
{
    public long Id { get; set; }

    public int Locked { get; set; }
}
