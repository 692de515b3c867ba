namespace QueryWatch.Samples.Incidents.Seed002;

/// <summary>A graphile-worker job; a null queue name means it may run anywhere.</summary>
internal sealed class Job
{
    public long Id { get; set; }

    public string? QueueName { get; set; }

    public int Priority { get; set; }

    public DateTime RunAt { get; set; }

    public int Attempts { get; set; }
}
