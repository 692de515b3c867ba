using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>
/// Temporary files written by a node other than a Sort or a Hash (QW010 and QW011 cover those):
/// a materialized CTE, a Materialize, a WindowAgg or a set operation whose tuplestore outgrew work_mem.
/// </summary>
internal sealed class QW023TempSpill : IPlanRule
{
    public string Id => "QW023";
    public string Name => "temp-spill";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Node other than Sort/Hash wrote temporary files (CTE, Materialize, WindowAgg tuplestore over work_mem)";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        // 8 kB blocks: 128 = 1 MB
        ["minTempBlocksWritten"] = 128,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (!context.HasActuals || node.NeverExecuted || node.Buffers is not { } buffers) return;
        // QW010 (sort-spill) and QW011 (hash-spill) report these, with advice of their own; a hash join writes its batches itself.
        if (node.NodeType is "Sort" or "Incremental Sort" or "Hash" or "Hash Join" || (node.NodeType == "Aggregate" && node.Strategy is "Hashed" or "Mixed")) return;
        // BUFFERS counts are inclusive: subtract what the children wrote.
        double written = buffers.TempWritten;
        foreach (var child in node.Children) written -= child.Buffers?.TempWritten ?? 0;
        if (written < context.Threshold("minTempBlocksWritten")) return;

        var what = node.NodeType switch
        {
            "CTE Scan" => $"the tuplestore of CTE {node.CteName}",
            "Materialize" => "the Materialize node's tuplestore",
            "WindowAgg" => "the window's partition buffer",
            _ => "its tuplestore",
        };
        context.Report(node,
            $"{PlanPath.ShortName(node)} wrote {RuleText.Count(written)} temporary blocks ({RuleText.Kb(written * 8)}) to disk: {what} outgrew work_mem.",
            node.NodeType == "CTE Scan"
                ? "Avoid storing the CTE's whole result: drop AS MATERIALIZED so the planner can inline it (and push filters into it), select only the columns used, or raise work_mem for this query (SET LOCAL work_mem) if it really must hold that many rows."
                : "Store fewer or narrower rows (select only the columns used, filter earlier), or raise work_mem for this query (SET LOCAL work_mem); watch temp_files / temp_bytes in pg_stat_database.",
            [Fact("tempBlocksWritten", written), Fact("tempKbWritten", written * 8)]);
    }
}
