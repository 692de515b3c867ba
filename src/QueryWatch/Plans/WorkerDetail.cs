namespace QueryWatch.Plans;

/// <summary>
/// One parallel worker's own figures under a node (JSON <c>Workers</c>, TEXT <c>Worker N:</c> lines).
/// They belong to the worker: they never replace the node's totals.
/// </summary>
internal sealed class WorkerDetail
{
    public int WorkerNumber { get; set; }
    public double? ActualStartupTimeMs { get; set; }
    public double? ActualTotalTimeMs { get; set; }
    public double? ActualRows { get; set; }
    public double? ActualLoops { get; set; }
    public string? SortMethod { get; set; }
    public string? SortSpaceType { get; set; }
    public long? SortSpaceUsedKb { get; set; }
    public BufferCounts? Buffers { get; set; }

    /// <summary>Properties not modelled above, by their JSON name, with their value as text.</summary>
    public Dictionary<string, string> Extra { get; } = new(StringComparer.Ordinal);
}
