using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>Plan arithmetic the rules share. PostgreSQL prints rows and "Rows Removed" as per-loop averages.</summary>
internal static class NodeFacts
{
    public static bool IsJoin(PlanNode node) => node.NodeType is "Nested Loop" or "Hash Join" or "Merge Join";

    public static bool IsScan(PlanNode node) => node.RelationName is not null;

    public static double Loops(PlanNode node) => node.ActualLoops ?? 1;

    /// <summary>Rows the node produced over all loops (actual when known, else the estimate for one loop).</summary>
    public static double Rows(PlanNode node) => node.TotalActualRows ?? node.PlanRows ?? 0;

    /// <summary>Rows its Filter removed over all loops; 0 without ANALYZE.</summary>
    public static double RemovedByFilter(PlanNode node) => (node.RowsRemovedByFilter ?? 0) * Loops(node);

    public static double RemovedByJoinFilter(PlanNode node) => (node.RowsRemovedByJoinFilter ?? 0) * Loops(node);

    /// <summary>The child feeding the join's outer (driving) side.</summary>
    public static PlanNode? Outer(PlanNode node)
    {
        foreach (var child in node.Children) if (child.ParentRelationship == "Outer") return child;
        return node.Children.Count > 0 && node.Children[0].ParentRelationship is null or "Outer" ? node.Children[0] : null;
    }

    /// <summary>The child on the join's inner side.</summary>
    public static PlanNode? Inner(PlanNode node)
    {
        foreach (var child in node.Children) if (child.ParentRelationship == "Inner") return child;
        var plain = node.Children.Where(c => c.ParentRelationship is null).ToList();
        return plain.Count >= 2 ? plain[1] : null;
    }

    /// <summary>Children that are part of the node's own row flow (not SubPlans or InitPlans).</summary>
    public static IEnumerable<PlanNode> Inputs(PlanNode node) =>
        node.Children.Where(c => c.ParentRelationship is not ("SubPlan" or "InitPlan"));

    /// <summary>Follows single-input nodes down while <paramref name="passThrough"/> holds.</summary>
    public static PlanNode? Descend(PlanNode node, Func<PlanNode, bool> passThrough, Func<PlanNode, bool> target)
    {
        var current = Inputs(node).FirstOrDefault();
        for (var depth = 0; current is not null && depth < 64; depth++)
        {
            if (target(current)) return current;
            if (!passThrough(current)) return null;
            current = Inputs(current).FirstOrDefault();
        }
        return null;
    }

    /// <summary>The first scan (a node with a relation) at or under <paramref name="node"/>, depth first.</summary>
    public static PlanNode? FirstScan(PlanNode node)
    {
        var stack = new Stack<PlanNode>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (IsScan(n)) return n;
            for (var i = n.Children.Count - 1; i >= 0; i--) stack.Push(n.Children[i]);
        }
        return null;
    }

    /// <summary>Workers plus the leader for a node under a Gather; 1 otherwise.</summary>
    public static int Processes(PlanNode node)
    {
        for (var n = node.Parent; n is not null; n = n.Parent)
        {
            if (n.NodeType is "Gather" or "Gather Merge") return (n.WorkersLaunched ?? n.WorkersPlanned ?? 0) + 1;
        }
        return 1;
    }

    /// <summary>Estimated rows over all processes for a parallel-aware node (PlanRows is per process).</summary>
    public static double EstimatedRowsAllProcesses(PlanNode node) =>
        (node.PlanRows ?? 0) * (node.ParallelAware ? Processes(node) : 1);

    /// <summary>All condition text on the node, for spotting SubPlan references.</summary>
    public static IEnumerable<string> Conditions(PlanNode node) => PlanExecutions.Conditions(node);

    /// <summary>The relation a scan reads, schema-qualified when the plan says so (VERBOSE).</summary>
    public static string? Table(PlanNode? scan) =>
        scan?.RelationName is { } r ? (scan.Schema is { } s && s != "public" ? s + "." + r : r) : null;
}
