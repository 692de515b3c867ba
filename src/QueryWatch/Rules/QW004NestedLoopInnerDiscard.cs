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
        // estimated plans: the inner scan is planned to run at least this many times (a bounded batch of a thousand is fine)
        ["minPlannedExecutions"] = 10_000,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NodeType != "Nested Loop" || node.NeverExecuted) return;
        if (NodeFacts.Inner(node) is not { } inner) return;
        var scan = NodeFacts.IsScan(inner) ? inner : NodeFacts.Descend(inner, n => n.NodeType is not "Materialize" and not "Hash", NodeFacts.IsScan);
        if (scan?.Filter is null || scan.NeverExecuted) return;
        if (!context.HasActuals)
        {
            InspectEstimated(context, node, scan);
            return;
        }

        var loops = scan.ActualLoops ?? 0;
        var removed = NodeFacts.RemovedByFilter(scan);
        var kept = NodeFacts.Rows(scan);
        var share = removed + kept > 0 ? removed / (removed + kept) : 0;
        if (loops < context.Threshold("minLoops") || removed < context.Threshold("minRowsRemoved") || share < context.Threshold("minRemovedShare")) return;

        var table = NodeFacts.Table(scan);
        var filterColumns = PredicateColumns.Read(scan.Filter);
        var advice = Advice(scan);
        var outer = NodeFacts.Outer(node);
        var time = scan.InclusiveTimeMs is { } ms && ms > 0 ? $", {RuleText.Ms(ms)} in all" : "";
        context.Report(scan,
            $"The inner {PlanPath.ShortName(scan)} ran {RuleText.Count(loops)} times (once per row of {(outer is null ? "the outer side" : PlanPath.ShortName(outer))}) and its Filter on {string.Join(", ", filterColumns.Select(c => c.Name))} removed {RuleText.Count(removed)} of the {RuleText.Count(removed + kept)} rows it fetched ({RuleText.Percent(share)}), returning {RuleText.Count(kept)}{time}.",
            Suggestion(advice),
            [Fact("innerRelation", table ?? ""), Fact("loops", loops), Fact("rowsRemovedByFilter", removed), Fact("rowsReturned", kept), Fact("removedShare", share), Fact("timeMs", scan.InclusiveTimeMs ?? 0), .. IndexFact(advice)]);
    }

    /// <summary>
    /// Without ANALYZE the discard itself is unknown (an estimate says 1 row per inner loop either way): what the
    /// plan does show is how often the inner scan and its Filter are planned to run, and what that costs.
    /// </summary>
    private void InspectEstimated(RuleContext context, PlanNode join, PlanNode scan)
    {
        var runs = scan.EstimatedExecutions;
        if (runs < context.Threshold("minPlannedExecutions")) return;
        var outer = NodeFacts.Outer(join);
        var outerRows = outer is null ? runs : Math.Max(outer.PlanRows ?? 0, 0) * (outer.EstimatedExecutions);
        var cost = PlannedWork.Cost(scan);
        var stop = PlannedWork.EarlyStopAbove(join);
        var (severity, basis) = PlannedWork.Verdict(context, scan, cost, stop is not null);
        var filterColumns = PredicateColumns.Read(scan.Filter);
        var table = NodeFacts.Table(scan);
        var advice = Advice(scan);
        var bet = stop is null
            ? ""
            : $" {PlanPath.ShortName(stop)} expects to stop after paying {RuleText.Count(stop.TotalCost ?? 0)} of it, betting that rows passing the Filter turn up early.";
        var rests = basis == FindingBasis.Observed
            ? $" {char.ToUpperInvariant(PlannedWork.DurationText(context)[0])}{PlannedWork.DurationText(context)[1..]}: the rows the plan counted on did not turn up, and the inner loop is where that time goes."
            : " (From the plan's estimates: only EXPLAIN ANALYZE shows how many rows the Filter actually removes.)";
        context.Report(scan,
            $"The inner {PlanPath.ShortName(scan)} is planned to run {RuleText.Count(runs)} times, once per row of {(outer is null ? "the outer side" : PlanPath.ShortName(outer))} (an estimated {RuleText.Count(outerRows)} rows), and checks its Filter {RuleText.Redact(scan.Filter)} on every row each run fetches: {RuleText.Count(cost)} of the plan's cost if it runs through ({RuleText.Ms(PlannedWork.AsMs(context, cost))} at {PlannedWork.MsPerCostText(context)}).{bet}{rests}",
            Suggestion(advice),
            [Fact("innerRelation", table ?? ""), Fact("plannedExecutions", runs), Fact("outerRows", outerRows), Fact("filter", RuleText.Redact(scan.Filter)),
             Fact("filterColumns", string.Join(", ", filterColumns.Select(c => c.Name))), Fact("plannedCost", cost), .. IndexFact(advice)],
            severity, basis);
    }

    // The join key arrives as an Index Cond (or Recheck Cond) on a parameterised inner scan.
    private static IndexAdvice? Advice(PlanNode scan) => IndexAdvisor.ForConditions(scan, [scan.IndexCond ?? scan.RecheckCond, scan.Filter]);

    private static string Suggestion(IndexAdvice? advice) =>
        $"Stop fetching rows only to reject them: index the filter with the join key ({advice?.Ddl ?? "an index on the join key and the filtered columns"}, or a partial index on the join key WHERE the filter holds), or drive the join from the selective side; if almost every outer row is rejected, process the outer side in key-range batches so each statement does bounded work.";
}
