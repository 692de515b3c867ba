using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A Seq Scan over many rows whose Filter keeps a small fraction of them.</summary>
internal sealed class QW009SeqScanSelectiveFilter : IPlanRule
{
    public string Id => "QW009";
    public string Name => "seq-scan-selective-filter";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Seq Scan reads many rows and its Filter keeps a small fraction: an index on the filtered columns would read only those";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minRowsScanned"] = 50_000,
        ["maxKeptShare"] = 0.01,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NodeType != "Seq Scan" || node.Filter is null || node.NeverExecuted) return;
        if (!context.HasActuals)
        {
            InspectEstimated(context, node);
            return;
        }
        var kept = NodeFacts.Rows(node);
        var scanned = kept + NodeFacts.RemovedByFilter(node);
        // Per execution: a tiny table scanned once per outer row is QW003/QW004's story, not a missing index.
        var perScan = node.ParallelAware ? scanned : scanned / Math.Max(NodeFacts.Loops(node), 1);
        if (perScan < context.Threshold("minRowsScanned") || kept / scanned > context.Threshold("maxKeptShare")) return;
        var columns = PredicateColumns.Read(node.Filter);
        if (columns.Count == 0) return;
        var table = NodeFacts.Table(node);
        var loops = NodeFacts.Loops(node);
        var repeat = loops > 1 && !node.ParallelAware ? $" over {RuleText.Count(loops)} loops" : "";
        var advice = IndexAdvisor.ForConditions(node, [node.Filter]);
        context.Report(node,
            $"{PlanPath.ShortName(node)} read {RuleText.Count(scanned)} rows{repeat} and its Filter on {string.Join(", ", columns.Select(c => c.Name))} kept {RuleText.Count(kept)} ({RuleText.Percent(kept / scanned)}).",
            advice is null
                ? $"The Filter's conditions on {table} are OR-ed: index each branch's columns on its own, so PostgreSQL can combine them in a BitmapOr, or split the query into a UNION."
                : $"Index the filtered columns so only matching rows are read: {advice.Ddl}.",
            [Fact("rowsScanned", scanned), Fact("rowsKept", kept), Fact("keptShare", kept / scanned), Fact("filterColumns", string.Join(", ", columns.Select(c => c.Name))), .. IndexFact(advice)]);
    }

    /// <summary>
    /// An estimated Seq Scan shows what it keeps, not what it reads: the table's live rows (pg_stat_user_tables,
    /// when the caller holds a connection) say that. Without them the rule stays quiet on estimates.
    /// </summary>
    private void InspectEstimated(RuleContext context, PlanNode node)
    {
        if (context.Statistics?.Find(node.Schema, node.RelationName!) is not { } table) return;
        var scanned = (double)table.LiveRows;
        var kept = NodeFacts.EstimatedRowsAllProcesses(node);
        if (scanned < context.Threshold("minRowsScanned") || kept / scanned > context.Threshold("maxKeptShare")) return;
        var columns = PredicateColumns.Read(node.Filter);
        if (columns.Count == 0) return;
        var runs = node.EstimatedExecutions;
        var (severity, basis) = PlannedWork.Verdict(context, node, PlannedWork.Cost(node), PlannedWork.EarlyStopAbove(node) is not null);
        var observed = basis == FindingBasis.Observed ? $" {char.ToUpperInvariant(PlannedWork.DurationText(context)[0])}{PlannedWork.DurationText(context)[1..]}." : "";
        var advice = IndexAdvisor.ForConditions(node, [node.Filter]);
        context.Report(node,
            $"{PlanPath.ShortName(node)} is planned to read all {RuleText.Count(scanned)} live rows of {NodeFacts.Table(node)}{(runs > 1 ? $", {RuleText.Count(runs)} times" : "")}, and its Filter on {string.Join(", ", columns.Select(c => c.Name))} to keep an estimated {RuleText.Count(kept)} ({RuleText.Percent(kept / scanned)}).{observed}",
            advice is null
                ? $"The Filter's conditions on {NodeFacts.Table(node)} are OR-ed: index each branch's columns on its own, so PostgreSQL can combine them in a BitmapOr, or split the query into a UNION."
                : $"Index the filtered columns so only matching rows are read: {advice.Ddl}.",
            [Fact("rowsScanned", scanned), Fact("rowsKept", kept), Fact("keptShare", kept / scanned), Fact("plannedExecutions", runs), Fact("filterColumns", string.Join(", ", columns.Select(c => c.Name))), .. IndexFact(advice)],
            severity, basis);
    }
}
