using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>An Index Only Scan that visits the heap for a large share of its rows: the visibility map is stale.</summary>
internal sealed class QW012HeapFetches : IPlanRule
{
    public string Id => "QW012";
    public string Name => "heap-fetches";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Index Only Scan fetches heap rows for a large share of its rows: the visibility map is stale (VACUUM)";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minHeapFetches"] = 10_000,
        ["minShare"] = 0.1,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NodeType != "Index Only Scan" || node.HeapFetches is not { } fetches) return;
        // Heap Fetches is the node's total over all loops (explain.c prints ntuples2 undivided).
        var rows = Math.Max(NodeFacts.Rows(node), 1);
        var share = Math.Min(fetches / rows, 1);
        if (fetches < context.Threshold("minHeapFetches") || share < context.Threshold("minShare")) return;
        var table = NodeFacts.Table(node);
        context.Report(node,
            // Heap fetches also count index entries whose row turned out dead, so they can exceed the rows returned.
            (fetches <= rows
                ? $"{PlanPath.ShortName(node)} had to visit the table for {RuleText.Count(fetches)} of its {RuleText.Count(rows)} rows ({RuleText.Percent(share)})"
                : $"{PlanPath.ShortName(node)} made {RuleText.Count(fetches)} heap fetches to return {RuleText.Count(rows)} rows (dead index entries count too)")
            + ": pages changed since the last VACUUM are not all-visible, so the index-only scan reads the heap anyway.",
            $"VACUUM {table ?? "the table"} to refresh its visibility map, and make autovacuum keep up (ALTER TABLE {table ?? "…"} SET (autovacuum_vacuum_scale_factor = 0.01), or autovacuum_vacuum_insert_scale_factor for insert-mostly tables).",
            [Fact("heapFetches", fetches), Fact("rows", rows), Fact("share", share)]);
    }
}
