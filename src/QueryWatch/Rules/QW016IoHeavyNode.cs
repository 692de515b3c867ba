using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>With BUFFERS: a node that reads far more blocks from outside shared_buffers than it returns rows, or whose reads take most of the query's time.</summary>
internal sealed partial class QW016IoHeavyNode : IPlanRule
{
    public string Id => "QW016";
    public string Name => "io-heavy-node";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Node reads far more blocks from disk (outside shared_buffers) than it returns rows, or its reads take most of the query's time";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minBlocksRead"] = 1_000,
        ["minBlocksPerRow"] = 10,
        // with track_io_timing: the node's own read time as a share of the execution time
        ["minIoTimeShare"] = 0.5,
        ["minIoTimeMs"] = 100,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        InspectSampledIo(context, node);
        if (!context.HasActuals || node.NeverExecuted || node.Buffers is not { } buffers) return;
        // BUFFERS counts are inclusive: a node's own reads are what its children did not do.
        double read = buffers.SharedRead + buffers.LocalRead;
        double ioMs = buffers.IoReadTimeMs ?? 0;
        foreach (var child in node.Children)
        {
            if (child.Buffers is not { } c) continue;
            read -= c.SharedRead + c.LocalRead;
            ioMs -= c.IoReadTimeMs ?? 0;
        }
        read = Math.Max(read, 0);
        ioMs = Math.Max(ioMs, 0);
        if (read < context.Threshold("minBlocksRead")) return;
        var rows = ModifyTableRows(node);
        var execution = context.Plan.ExecutionTimeMs ?? node.InclusiveTimeMs ?? 0;
        var manyBlocksPerRow = read >= context.Threshold("minBlocksPerRow") * Math.Max(rows, 1);
        var ioDominates = ioMs >= context.Threshold("minIoTimeMs") && execution > 0 && ioMs / execution >= context.Threshold("minIoTimeShare");
        if (!manyBlocksPerRow && !ioDominates) return;

        var timing = ioMs > 0 ? $", {RuleText.Ms(ioMs)} of reads{(execution > 0 ? $" ({RuleText.Percent(Math.Min(ioMs / execution, 1))} of the execution time)" : "")}" : "";
        var fix = node.Filter is not null || node.RecheckCond is not null
            ? "Read only the pages that hold matching rows: an index on the filtered columns (see QW009/QW002 for the exact one), or a partial or covering index; if the rows are really needed, keep the table's hot part small (partitioning, archiving) so it stays cached."
            : "Read fewer pages: an index (or a covering index, for an Index Only Scan) that reaches the wanted rows directly, or a smaller working set that stays in shared_buffers; check shared_buffers and effective_cache_size against the table's size.";
        context.Report(node,
            $"{PlanPath.ShortName(node)} read {RuleText.Count(read)} blocks ({RuleText.Kb(read * 8)}) from outside shared_buffers to return {RuleText.Count(rows)} rows{timing}.",
            fix,
            [Fact("blocksRead", read), Fact("rowsReturned", rows), Fact("ioReadTimeMs", ioMs), Fact("executionTimeMs", execution)]);
    }

    // A DELETE/UPDATE/INSERT/MERGE without RETURNING returns no row whatever it did: its reads (TOAST
    // chunks, index entries) are weighed against the rows it processed, which its input returned.
    private static double ModifyTableRows(PlanNode node)
    {
        var rows = NodeFacts.Rows(node);
        if (node.NodeType != "ModifyTable") return rows;
        foreach (var input in NodeFacts.Inputs(node)) rows = Math.Max(rows, NodeFacts.Rows(input));
        return rows;
    }
}
