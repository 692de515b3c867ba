using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>An index scan whose Filter, not its Index Cond, carries the selective predicates: rows come from the heap to be thrown away.</summary>
internal sealed class QW002IndexFilterMismatch : IPlanRule
{
    public string Id => "QW002";
    public string Name => "index-filter-mismatch";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Index scan used for order or as a full scan while its Filter holds the selective predicates; heap rows are fetched to be discarded";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minRowsRemoved"] = 10_000,
        ["minRemovedShare"] = 0.9,
        // estimated plans, no Index Cond: the scan must at least cost this much to matter
        ["minEstimatedCost"] = 10_000,
        // ANALYZE: rows removed that make a quick statement's scan a warning still (else info unless slow)
        ["largeRowsRemoved"] = 100_000,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NodeType != "Index Scan" || node.Filter is null || node.NeverExecuted) return;
        // A parameterized inner side of a Nested Loop is QW004's to judge.
        if (node.Parent is { NodeType: "Nested Loop" } loop && NodeFacts.Inner(loop) == node) return;
        var filterColumns = PredicateColumns.Read(node.Filter);
        if (filterColumns.Count == 0) return;

        var table = NodeFacts.Table(node);
        var removed = NodeFacts.RemovedByFilter(node);
        var kept = NodeFacts.Rows(node);
        var share = removed + kept > 0 ? removed / (removed + kept) : 0;
        var heavy = context.HasActuals
            ? removed >= context.Threshold("minRowsRemoved") && share >= context.Threshold("minRemovedShare")
            : (node.TotalCost ?? 0) >= context.Threshold("minEstimatedCost");
        var names = string.Join(", ", filterColumns.Select(c => c.Name));
        var evidence = context.HasActuals
            ? $"its Filter removed {RuleText.Count(removed)} of the {RuleText.Count(removed + kept)} rows it fetched ({RuleText.Percent(share)})"
            : $"it is planned at a cost of {RuleText.Count(node.TotalCost ?? 0)} to return {RuleText.Count(NodeFacts.EstimatedRowsAllProcesses(node))} rows"
              + (node.EstimatedExecutions > 1 ? $", and to run {RuleText.Count(node.EstimatedExecutions)} times" : "");
        var observation = context.HasActuals ? (null, "") : PlannedWork.Observation(context, PlannedWork.WorstCost(node));
        // A warning only where it costs: measured, a real share of a slow statement (or a large amount of work);
        // estimated, a Filter the planner expects to discard most rows, or a duration that shows the walk happened.
        var severity = context.HasActuals
            ? Impact.Measured(context, node, removed >= context.Threshold("largeRowsRemoved"))
            : observation.Item1 is null && !Impact.PlannedSelective(node) ? RuleSeverity.Info : null;

        if (node.IndexCond is null)
        {
            if (!heavy) return;
            var proposal = IndexAdvisor.ForConditions(node, [node.Filter]);
            context.Report(node,
                $"{PlanPath.ShortName(node)} walks index {node.IndexName} with no Index Cond (for its order, or end to end) and checks {names} in its Filter on every heap row it fetches: {evidence}.{observation.Item2}",
                proposal is null
                    ? $"The Filter's conditions on {table} are OR-ed: index each branch's columns on its own so PostgreSQL can combine them in a BitmapOr, or split the query into a UNION."
                    : $"Index the predicates so they become an Index Cond: {proposal.Ddl}.",
                [Fact("scannedIndex", node.IndexName ?? ""), Fact("filterColumns", names), .. context.MeasuredFact("rowsRemovedByFilter", removed), Fact("totalCost", node.TotalCost ?? 0), .. IndexFact(proposal)],
                severity, observation.Item1);
            return;
        }

        if (!context.HasActuals || !heavy) return;
        var indexColumns = PredicateColumns.Read(node.IndexCond);
        var missing = PredicateColumns.Conjuncts(node.Filter)
            .Where(t => !t.Contains(" OR ", StringComparison.Ordinal))
            .SelectMany(PredicateColumns.Read)
            .Where(c => c.IsEquality && !indexColumns.Any(i => i.Name == c.Name))
            .ToList();
        if (missing.Count == 0) return;
        var wanted = IndexAdvisor.ForConditions(node, [node.IndexCond, node.Filter]);
        var advice = wanted is null ? null : wanted with { Keys = [.. wanted.Keys.Where(k => indexColumns.Any(i => i.Name == k) || missing.Any(m => m.Name == k))] };
        context.Report(node,
            $"{PlanPath.ShortName(node)} narrows index {node.IndexName} only on {string.Join(", ", indexColumns.Select(c => c.Name))}, leaving the equality on {string.Join(", ", missing.Select(c => c.Name))} to the Filter: {evidence}.",
            $"Put the filtered columns into the index: {advice?.Ddl}.",
            [Fact("scannedIndex", node.IndexName ?? ""), Fact("filterColumns", names), .. context.MeasuredFact("rowsRemovedByFilter", removed), Fact("removedShare", share), .. IndexFact(advice)],
            severity);
    }
}
