namespace QueryWatch.Samples.Incidents.Seed004;

/// <summary>An Arkindex process.</summary>
internal sealed class Process
{
    public long Id { get; set; }

    public string Name { get; set; } = "";
}
