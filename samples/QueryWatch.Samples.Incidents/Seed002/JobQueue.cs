namespace QueryWatch.Samples.Incidents.Seed002;

/// <summary>A named queue; a worker locks it while it runs one of its jobs.</summary>
internal sealed class JobQueue
{
    public string QueueName { get; set; } = "";

    public DateTime? LockedAt { get; set; }
}
