namespace QueryWatch.Plans;

/// <summary>How one row of a <see cref="PlanShapeDiff"/> compares.</summary>
internal enum PlanShapeChange
{
    Same,
    Changed,
    Removed,
    Added,
}
