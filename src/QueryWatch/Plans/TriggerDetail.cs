namespace QueryWatch.Plans;

/// <summary>One trigger's time under ANALYZE (<c>Trigger name: time=… calls=…</c>).</summary>
internal sealed class TriggerDetail
{
    public string Name { get; set; } = "";
    public string? ConstraintName { get; set; }
    public string? Relation { get; set; }
    public double? TimeMs { get; set; }
    public long? Calls { get; set; }
}
