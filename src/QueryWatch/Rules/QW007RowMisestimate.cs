using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>
/// Actual rows 10x off the estimate on a node whose consumer depends on the count: the outer side of a
/// Nested Loop (runs the inner side per row), a Hash that had to add batches, a Sort that spilled.
/// </summary>
internal sealed class QW007RowMisestimate : IPlanRule
{
    public string Id => "QW007";
    public string Name => "row-misestimate";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Actual rows 10x or more off the estimate on a node feeding a Nested Loop, Hash or Sort that was sized for the estimate";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minFactor"] = 10,
        ["minRows"] = 1_000,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.EstimateErrorFactor is not { } factor || node.Parent is not { } consumer) return;
        var actual = NodeFacts.Rows(node);
        var estimated = (node.PlanRows ?? 0) * NodeFacts.Loops(node);
        if (factor < context.Threshold("minFactor") || Math.Max(actual, estimated) < context.Threshold("minRows")) return;
        // What the wrong count cost: only an underestimate hurts these consumers. (This also keeps quiet on
        // nodes that were cut short — never executed, or stopped by an empty join side: they return fewer rows.)
        if (actual <= estimated || CutShort.ByEmptyJoinSide(node)) return;
        string consequence;
        if (consumer.NodeType == "Nested Loop" && NodeFacts.Outer(consumer) == node)
            consequence = $"{PlanPath.ShortName(consumer)} above it was chosen for about {RuleText.Count(estimated)} loops of its inner side and ran {RuleText.Count(actual)}";
        else if (consumer.NodeType == "Hash" && consumer.HashBatches > Math.Max(consumer.OriginalHashBatches ?? 1, 1))
            consequence = $"the Hash above it was sized for the estimate and grew from {consumer.OriginalHashBatches} to {consumer.HashBatches} batches";
        else if (consumer.NodeType is "Sort" && (consumer.SortSpaceType == "Disk" || consumer.SortMethod?.StartsWith("external", StringComparison.Ordinal) == true))
            consequence = $"the Sort above it spilled to disk ({consumer.SortMethod})";
        else return;

        var table = NodeFacts.Table(node);
        var columns = PredicateColumns.Read(node.IndexCond).Concat(PredicateColumns.Read(node.Filter)).Concat(PredicateColumns.Read(node.RecheckCond))
            .Select(c => c.Name).Distinct().ToList();
        var stats = table is null
            ? "Refresh statistics (ANALYZE the tables under this node)"
            : $"Refresh statistics: ANALYZE {table}" + (columns.Count == 0 ? "" :
                $"; if the estimate stays wrong, raise the statistics target (ALTER TABLE {table} ALTER COLUMN {columns[0]} SET STATISTICS 1000)"
                + (columns.Count > 1 ? $" or add extended statistics (CREATE STATISTICS ON {string.Join(", ", columns)} FROM {table})" : ""));
        context.Report(node,
            $"{PlanPath.ShortName(node)} was estimated at {RuleText.Count(estimated)} rows and returned {RuleText.Count(actual)} ({RuleText.Factor(factor)} more); {consequence}.",
            stats + "; check that autovacuum analyzes the table after bulk changes.",
            [Fact("estimatedRows", estimated), Fact("actualRows", actual), Fact("factor", factor), Fact("consumer", consumer.DisplayName)]);
    }
}
