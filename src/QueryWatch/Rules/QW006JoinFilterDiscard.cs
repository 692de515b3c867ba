using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A join whose Join Filter (checked per row pair, not a hash or merge key) discards most pairs.</summary>
internal sealed class QW006JoinFilterDiscard : IPlanRule
{
    public string Id => "QW006";
    public string Name => "join-filter-discard";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Join whose Join Filter, checked on every row pair instead of used as a join key, discards many rows";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minRowsRemoved"] = 10_000,
        ["minRemovedShare"] = 0.5,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (!NodeFacts.IsJoin(node) || node.JoinFilter is null || node.NeverExecuted) return;
        double removed, kept;
        string how;
        if (context.HasActuals)
        {
            removed = NodeFacts.RemovedByJoinFilter(node);
            kept = NodeFacts.Rows(node);
            how = "";
        }
        else
        {
            // Estimated: a Nested Loop pairs every outer row with every inner row the Join Filter then checks.
            if (node.NodeType != "Nested Loop" || NodeFacts.Outer(node) is not { } o || NodeFacts.Inner(node) is not { } i) return;
            // Per run of the join, times the runs the plan's structure gives it (an inner-side join reruns per outer row).
            var pairs = (o.PlanRows ?? 0) * (i.PlanRows ?? 0) * node.EstimatedExecutions;
            kept = (node.PlanRows ?? 0) * node.EstimatedExecutions;
            removed = Math.Max(pairs - kept, 0);
            how = $" (estimated: {RuleText.Count(o.PlanRows ?? 0)} × {RuleText.Count(i.PlanRows ?? 0)} pairs{(node.EstimatedExecutions > 1 ? $", planned to run {RuleText.Count(node.EstimatedExecutions)} times" : "")})";
        }
        var share = removed + kept > 0 ? removed / (removed + kept) : 0;
        if (removed < context.Threshold("minRowsRemoved") || share < context.Threshold("minRemovedShare")) return;

        var columns = PredicateColumns.Read(node.JoinFilter);
        var equality = columns.Any(c => c.IsEquality);
        var inner = NodeFacts.Inner(node);
        var innerTable = NodeFacts.Table(inner is null ? null : NodeFacts.FirstScan(inner));
        var verb = context.HasActuals ? "discarded" : "is planned to discard";
        var observation = context.HasActuals ? (null, "") : PlannedWork.Observation(context, PlannedWork.WorstCost(node));
        context.Report(node,
            $"The Join Filter {RuleText.Redact(node.JoinFilter)} of {PlanPath.ShortName(node)} {verb} {RuleText.Count(removed)} row pairs to keep {RuleText.Count(kept)} ({RuleText.Percent(share)}){how}: the condition is checked on every pair instead of being used to look matches up.{observation.Item2}",
            equality
                ? $"The condition is an equality, so PostgreSQL could hash or merge on it: it chose to compare pairs because it expected few rows; fix the estimate (ANALYZE the tables, see QW007), give the inner side an index on its join column{(innerTable is null ? "" : $" ({innerTable})")}, or if the inner side is a computed aggregate, keep it in a table (QW005)."
                : "A range, OR or function condition cannot be a hash or merge key: index the inner side for it (a B-tree on the compared column, a GiST index for ranges), or rewrite it as an equality plus a filter.",
            [Fact("joinFilter", RuleText.Redact(node.JoinFilter)), Fact("rowsRemovedByJoinFilter", removed), Fact("rowsKept", kept), Fact("removedShare", share)],
            basis: observation.Item1);
    }
}
