using QueryWatch.Plans;

namespace QueryWatch.Explain;

/// <summary>
/// Where in the plan a finding's bet lies: <see cref="Walked"/> is the scan whose rows are read first (in
/// its index's order when it is an index scan); for a Nested Loop, <see cref="Inner"/> is the scan each
/// of those rows looks up and <see cref="Loop"/> the join. <see cref="Limit"/> is the Limit the walk serves, if any.
/// </summary>
internal sealed record ProbeTarget(BetShape Shape, PlanNode Walked, PlanNode? Inner, PlanNode? Loop, PlanNode? Limit)
{
    /// <summary>The index whose order the walk follows; null for a sequential scan.</summary>
    public string? OrderIndex => Walked.NodeType is "Index Scan" or "Index Only Scan" ? Walked.IndexName : null;
}
