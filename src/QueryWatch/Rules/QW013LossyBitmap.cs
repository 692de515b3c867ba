using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A Bitmap Heap Scan whose bitmap outgrew work_mem and went lossy: whole pages rechecked.</summary>
internal sealed class QW013LossyBitmap : IPlanRule
{
    public string Id => "QW013";
    public string Name => "lossy-bitmap";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Bitmap Heap Scan with lossy blocks: the bitmap outgrew work_mem and every row on those pages is rechecked";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minLossyBlocks"] = 100,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NodeType != "Bitmap Heap Scan" || node.LossyHeapBlocks is not { } lossy || lossy < context.Threshold("minLossyBlocks")) return;
        var exact = node.ExactHeapBlocks ?? 0;
        var recheck = (node.RowsRemovedByIndexRecheck ?? 0) * NodeFacts.Loops(node);
        context.Report(node,
            $"{PlanPath.ShortName(node)} went lossy on {RuleText.Count(lossy)} of {RuleText.Count(lossy + exact)} heap blocks: the bitmap outgrew work_mem and kept pages instead of rows, so every row on them was rechecked ({RuleText.Count(recheck)} removed by the recheck).",
            "Give the query more memory for the bitmap (SET LOCAL work_mem), or make the index condition more selective so fewer pages qualify.",
            [Fact("lossyBlocks", lossy), Fact("exactBlocks", exact), Fact("rowsRemovedByIndexRecheck", recheck)]);
    }
}
