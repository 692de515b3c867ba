namespace QueryWatch.Samples.Incidents.Seed000;

/// <summary>A row of Arkindex's worker activity: which process touched which element, and how it ended.</summary>
internal sealed class Activity
{
    public long Id { get; set; }

    public int ProcessId { get; set; }

    public int ElementId { get; set; }

    public string State { get; set; } = "";
}
