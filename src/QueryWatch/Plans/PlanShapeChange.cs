namespace QueryWatch.Plans;

/// <summary>How one row of a <see cref="PlanShapeDiff"/> compares.</summary>
internal enum PlanShapeChange
{
    Same,
    Changed,
    Removed,
    Added,

    /// <summary>The same node, at another depth: a parent above it came or went.</summary>
    Moved,
}
