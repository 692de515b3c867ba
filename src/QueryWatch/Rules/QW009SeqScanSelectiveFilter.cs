using QueryWatch.Advice;
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
        // Only ANALYZE says how many rows the scan read: an estimated Seq Scan shows what it keeps, not the table size.
        if (node.NodeType != "Seq Scan" || node.Filter is null || !context.HasActuals || node.NeverExecuted) return;
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
}
