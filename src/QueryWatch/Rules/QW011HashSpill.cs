using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A Hash (join) or HashAggregate that needed more than one batch or wrote to disk.</summary>
internal sealed class QW011HashSpill : IPlanRule
{
    public string Id => "QW011";
    public string Name => "hash-spill";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Hash or HashAggregate split into batches on disk: its input did not fit work_mem × hash_mem_multiplier";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minBatches"] = 2,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        long batches;
        string what;
        if (node.NodeType == "Hash" && node.HashBatches is { } b)
        {
            batches = b;
            what = node.OriginalHashBatches is { } planned && planned != b
                ? $"{RuleText.Count(b)} batches (planned {RuleText.Count(planned)})"
                : $"{RuleText.Count(b)} batches";
        }
        else if (node.NodeType == "Aggregate" && node.Strategy is "Hashed" or "Mixed" && (node.HashAggBatches is > 1 || node.DiskUsageKb is > 0))
        {
            batches = Math.Max(node.HashAggBatches ?? 2, 2);
            what = $"{RuleText.Count(batches)} batches, {RuleText.Kb(node.DiskUsageKb ?? 0)} on disk";
        }
        else return;
        if (batches < context.Threshold("minBatches")) return;

        var memory = node.PeakMemoryUsageKb is { } kb ? $", peak memory {RuleText.Kb(kb)}" : "";
        var table = NodeFacts.Table(NodeFacts.FirstScan(node));
        context.Report(node,
            $"{PlanPath.ShortName(node)} over {RuleText.Count(NodeFacts.Rows(node.Children.Count > 0 ? node.Children[0] : node))} rows{(table is null ? "" : " of " + table)} did not fit in memory and spilled: {what}{memory}. Each extra batch writes its share of both inputs to disk and reads it back.",
            "Give the query more hash memory (SET LOCAL work_mem, or hash_mem_multiplier), hash the smaller input (filter or aggregate it first), or fix the row estimate if the planner expected far fewer rows (QW007).",
            [Fact("batches", batches), Fact("originalBatches", node.OriginalHashBatches ?? 0), Fact("diskKb", node.DiskUsageKb ?? 0), Fact("peakMemoryKb", node.PeakMemoryUsageKb ?? 0)]);
    }
}
