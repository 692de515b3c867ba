using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>
/// Nodes that returned fewer rows than estimated because they were stopped, not because the
/// estimate was wrong: a node that never ran (<c>never executed</c>, actual loops 0), or one on
/// a side of a join that stopped reading it because the other side was empty — a Hash Join
/// whose Hash got no row reads one outer row (or none) and ends; a Merge Join ends when either
/// side does. Outer joins that must emit every row of the side they preserve read it to the end.
/// </summary>
internal static class CutShort
{
    /// <summary>True when <paramref name="node"/>, or a join above it, was stopped before it read its input to the end.</summary>
    public static bool ByEmptyJoinSide(PlanNode node)
    {
        if (node.NeverExecuted || node.ActualLoops == 0) return true;
        for (var child = node; child.Parent is { } join; child = join)
        {
            if (child.ParentRelationship is "InitPlan" or "SubPlan") break;
            var inner = NodeFacts.Inner(join);
            var outer = NodeFacts.Outer(join);
            if (inner is null || outer is null) continue;
            if (join.NodeType == "Hash Join" && child == outer && IsEmpty(inner) && !PreservesOuter(join)) return true;
            if (join.NodeType == "Merge Join" && join.JoinType is "Inner" or "Semi"
                && ((child == outer && IsEmpty(inner)) || (child == inner && IsEmpty(outer)))) return true;
        }
        return false;
    }

    // A Hash Join fills in the outer rows without a match for LEFT, FULL and anti joins: it reads the whole outer side.
    private static bool PreservesOuter(PlanNode join) => join.JoinType is "Left" or "Full" or "Anti";

    private static bool IsEmpty(PlanNode side) => side.HasActuals && (side.NeverExecuted || (side.TotalActualRows ?? 1) == 0);
}
