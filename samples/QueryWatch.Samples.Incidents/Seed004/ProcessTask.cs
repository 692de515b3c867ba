namespace QueryWatch.Samples.Incidents.Seed004;

/// <summary>A task of a process, with its state.</summary>
internal sealed class ProcessTask
{
    public long Id { get; set; }

    public long ProcessId { get; set; }

    public string State { get; set; } = "";
}
