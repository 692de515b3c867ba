using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A Filter high in the plan (above a join, sort or aggregate) that discards most of what was built below it.</summary>
internal sealed class QW022LateFilter : IPlanRule
{
    public string Id => "QW022";
    public string Name => "late-filter";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Filter applied above joins, sorts or aggregates (a materialized CTE, a view with DISTINCT or a window) discards most of the rows built below it";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minRowsRemoved"] = 10_000,
        ["minRemovedShare"] = 0.9,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        // Only ANALYZE says how much the Filter threw away. A base-table scan's Filter is where a filter belongs,
        // an aggregate's is a HAVING on aggregated values, and a join's Join Filter is QW006's.
        if (!context.HasActuals || node.NeverExecuted || node.Filter is null || NodeFacts.IsScan(node)) return;
        if (node.NodeType is "Aggregate" or "Group" or "WindowAgg") return;
        var removed = NodeFacts.RemovedByFilter(node);
        var kept = NodeFacts.Rows(node);
        var share = removed + kept > 0 ? removed / (removed + kept) : 0;
        if (removed < context.Threshold("minRowsRemoved") || share < context.Threshold("minRemovedShare")) return;
        if (BuiltBelow(node) is not { } work) return;

        var cte = node.NodeType == "CTE Scan" ? $" (CTE {node.CteName})" : "";
        context.Report(node,
            $"{PlanPath.ShortName(node)}{cte} removed {RuleText.Count(removed)} of the {RuleText.Count(removed + kept)} rows it received ({RuleText.Percent(share)}) with Filter {RuleText.Redact(node.Filter)}, after {PlanPath.ShortName(work)} below it built them all.",
            node.NodeType == "CTE Scan"
                ? "Let the planner push the condition into the CTE: drop AS MATERIALIZED (PostgreSQL 12+ inlines a CTE referenced once), or move the WHERE inside the CTE's query."
                : "Apply the condition before the expensive step: move it into the subquery or view's WHERE (a condition on a window's or DISTINCT ON's output cannot be pushed down by PostgreSQL itself), or join/aggregate only the rows that pass it.",
            [Fact("rowsRemovedByFilter", removed), Fact("rowsKept", kept), Fact("removedShare", share), Fact("builtBy", PlanPath.ShortName(work))]);
    }

    // The join, sort or aggregate under the node (through a CTE Scan, the CTE's own plan) that produced its input.
    private static PlanNode? BuiltBelow(PlanNode node)
    {
        var roots = new List<PlanNode>(NodeFacts.Inputs(node));
        if (node.NodeType == "CTE Scan" && node.CteName is { } name)
        {
            for (var n = node; n is not null; n = n.Parent)
            {
                foreach (var child in n.Children)
                    if (child.ParentRelationship == "InitPlan" && child.SubplanName == "CTE " + name) roots.Add(child);
            }
        }
        var stack = new Stack<PlanNode>(roots);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (NodeFacts.IsJoin(n) || n.NodeType is "Sort" or "Incremental Sort" or "Aggregate" or "WindowAgg" or "Unique" or "SetOp") return n;
            foreach (var c in NodeFacts.Inputs(n)) stack.Push(c);
        }
        return null;
    }
}
