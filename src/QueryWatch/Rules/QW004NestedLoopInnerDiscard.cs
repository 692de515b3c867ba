using QueryWatch.Advice;
using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A Nested Loop whose inner side runs many times and throws away most of what it fetches.</summary>
internal sealed class QW004NestedLoopInnerDiscard : IPlanRule
{
    public string Id => "QW004";
    public string Name => "nested-loop-inner-discard";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Nested Loop whose inner scan runs many loops and whose Filter discards most of what each loop fetches";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minLoops"] = 1_000,
        ["minRowsRemoved"] = 10_000,
        ["minRemovedShare"] = 0.9,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        // Only ANALYZE shows how much the inner side discards: an estimate says 1 row per loop either way.
        if (node.NodeType != "Nested Loop" || !context.HasActuals || node.NeverExecuted) return;
        if (NodeFacts.Inner(node) is not { } inner) return;
        var scan = NodeFacts.IsScan(inner) ? inner : NodeFacts.Descend(inner, n => n.NodeType is not "Materialize" and not "Hash", NodeFacts.IsScan);
        if (scan?.Filter is null || scan.NeverExecuted) return;

        var loops = scan.ActualLoops ?? 0;
        var removed = NodeFacts.RemovedByFilter(scan);
        var kept = NodeFacts.Rows(scan);
        var share = removed + kept > 0 ? removed / (removed + kept) : 0;
        if (loops < context.Threshold("minLoops") || removed < context.Threshold("minRowsRemoved") || share < context.Threshold("minRemovedShare")) return;

        var table = NodeFacts.Table(scan);
        var filterColumns = PredicateColumns.Read(scan.Filter);
        // The join key arrives as an Index Cond (or Recheck Cond) on a parameterised inner scan.
        var advice = IndexAdvisor.ForConditions(scan, [scan.IndexCond ?? scan.RecheckCond, scan.Filter]);
        var outer = NodeFacts.Outer(node);
        var time = scan.InclusiveTimeMs is { } ms && ms > 0 ? $", {RuleText.Ms(ms)} in all" : "";
        context.Report(scan,
            $"The inner {PlanPath.ShortName(scan)} ran {RuleText.Count(loops)} times (once per row of {(outer is null ? "the outer side" : PlanPath.ShortName(outer))}) and its Filter on {string.Join(", ", filterColumns.Select(c => c.Name))} removed {RuleText.Count(removed)} of the {RuleText.Count(removed + kept)} rows it fetched ({RuleText.Percent(share)}), returning {RuleText.Count(kept)}{time}.",
            $"Stop fetching rows only to reject them: index the filter with the join key ({advice?.Ddl ?? "an index on the join key and the filtered columns"}, or a partial index on the join key WHERE the filter holds), or drive the join from the selective side; if almost every outer row is rejected, process the outer side in key-range batches so each statement does bounded work.",
            [Fact("innerRelation", table ?? ""), Fact("loops", loops), Fact("rowsRemovedByFilter", removed), Fact("rowsReturned", kept), Fact("removedShare", share), Fact("timeMs", scan.InclusiveTimeMs ?? 0), .. IndexFact(advice)]);
    }
}
