using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A LIMIT over an index scan in ORDER BY order whose Filter throws away far more rows than the limit returns.</summary>
internal sealed class QW014LimitWalksIndex : IPlanRule
{
    public string Id => "QW014";
    public string Name => "limit-walks-index";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "LIMIT over an index walked in ORDER BY order whose Filter removes far more rows than the limit returns";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minRowsRemoved"] = 1_000,
        ["minRemovedPerRow"] = 100,
        // estimated plans: the scan costs this many times what the Limit expects to pay
        ["minCostRatio"] = 10,
        // ANALYZE: rows removed that make a quick statement's walk a warning still (else info unless slow)
        ["largeRowsRemoved"] = 100_000,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NodeType != "Limit" || node.NeverExecuted) return;
        var scan = NodeFacts.Descend(node,
            n => n.NodeType is "LockRows" or "Gather Merge" or "Result" or "Subquery Scan" or "Unique" or "Limit",
            n => n.NodeType is "Index Scan" or "Index Only Scan");
        if (scan?.Filter is null || scan.NeverExecuted) return;
        var filterColumns = PredicateColumns.Read(scan.Filter);
        var indexColumns = PredicateColumns.Read(scan.IndexCond);
        var limitRows = Math.Max(NodeFacts.Rows(node), 1);
        var removed = NodeFacts.RemovedByFilter(scan);
        string evidence;
        RuleSeverity? severity;
        (FindingBasis? Basis, string Text) observation = (null, "");
        if (context.HasActuals)
        {
            if (removed < context.Threshold("minRowsRemoved") || removed / limitRows < context.Threshold("minRemovedPerRow")) return;
            evidence = $"its Filter removed {RuleText.Count(removed)} rows to return {RuleText.Count(NodeFacts.Rows(node))} ({RuleText.Count(removed / limitRows)} per row returned)";
            severity = Impact.Measured(context, scan, removed >= context.Threshold("largeRowsRemoved"));
        }
        else
        {
            // The planner bets matching rows are spread evenly along the index; an equality Index Cond
            // confines the walk to matching keys, anything else leaves it to the Filter's luck.
            if (indexColumns.Any(c => c.IsEquality)) return;
            var ratio = (scan.TotalCost ?? 0) / Math.Max(node.TotalCost ?? 0, 0.01);
            if (node.TotalCost is null || ratio < context.Threshold("minCostRatio")) return;
            evidence = $"the Limit expects to pay {RuleText.Count(node.TotalCost ?? 0)} of the scan's {RuleText.Count(scan.TotalCost ?? 0)}, betting that rows passing the Filter turn up early; when they are rare or sit at the far end, it reads the whole index and heap";
            observation = PlannedWork.Observation(context, PlannedWork.WorstCost(scan));
            // The planner expecting most rows to pass the Filter is a bet it has reason to win: only a duration
            // that shows the walk went far makes it a warning.
            severity = observation.Basis is null && !Impact.PlannedSelective(scan) ? RuleSeverity.Info : null;
        }

        var table = NodeFacts.Table(scan);
        var advice = IndexAdvisor.ForConditions(scan, [scan.Filter]);
        if (advice is not null && !filterColumns.Any(c => c.IsEquality && advice.Keys.Contains(c.Name))) advice = null;
        var suggestion = advice is not null
            ? $"Lead an index with the Filter's equality columns so the walk reads only matching rows: {advice.Ddl} (add the ORDER BY columns after them to keep the order from the index); or, for an existence check, drop the ORDER BY/DISTINCT that forces this index."
            : $"The Filter ({string.Join(", ", filterColumns.Select(c => c.Name))}) has no equality an index could lead with: make the condition indexable (a partial index WHERE it holds, or an eligibility flag kept by the application or a trigger), and split OR-ed conditions so each branch can use an index.";
        context.Report(scan,
            $"{PlanPath.ShortName(node)} wants {RuleText.Count(context.HasActuals ? NodeFacts.Rows(node) : node.PlanRows ?? 0)} row{(limitRows == 1 ? " and gets it" : "s and gets them")} by walking index {scan.IndexName} of {table} in ORDER BY order: {evidence}.{observation.Text}",
            suggestion,
            [Fact("scannedIndex", scan.IndexName ?? ""), Fact("limitRows", limitRows), .. context.MeasuredFact("rowsRemovedByFilter", removed), Fact("scanTotalCost", scan.TotalCost ?? 0), Fact("limitTotalCost", node.TotalCost ?? 0), .. IndexFact(advice)],
            severity, observation.Basis);
    }
}
