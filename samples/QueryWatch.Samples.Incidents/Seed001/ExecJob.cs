namespace QueryWatch.Samples.Incidents.Seed001;

/// <summary>A job in Sourcegraph's executor queue.</summary>
internal sealed class ExecJob
{
    public long Id { get; set; }

    public int UserId { get; set; }

    public string State { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? LastDequeue { get; set; }
}
