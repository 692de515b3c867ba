using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>DISTINCT in a query that only asks whether a row exists: one row of a distinct set is any row of the set.</summary>
internal sealed class QW001DistinctExistenceCheck : IPlanRule
{
    public string Id => "QW001";
    public string Name => "distinct-existence-check";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "DISTINCT under LIMIT 1 (or inside IN): the de-duplication makes PostgreSQL read far more than the one row an existence check needs";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        // without the SQL, a LIMIT whose estimate is this many rows or fewer is taken as LIMIT 1
        ["maxLimitRows"] = 1,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NodeType == "Limit") InspectLimit(context, node);
        else if (context.Sql.DistinctInsideIn && IsDistinct(node, context) && node.Parent is { } parent
                 && (NodeFacts.IsJoin(parent) || parent.NodeType is "Subquery Scan" or "Hash"))
        {
            var scan = NodeFacts.FirstScan(node);
            context.Report(node,
                $"{PlanPath.ShortName(node)} de-duplicates {RuleText.Count(NodeFacts.Rows(node))} rows for an IN (SELECT DISTINCT …): membership does not depend on duplicates, and the DISTINCT stops PostgreSQL from pulling the subquery up into a plain semi join.",
                $"Drop the DISTINCT inside IN (…){(scan is null ? "" : $" on {NodeFacts.Table(scan)}")}: PostgreSQL de-duplicates a semi join itself, only when it pays.",
                [Fact("distinctNode", node.DisplayName), Fact("rows", NodeFacts.Rows(node))]);
        }
    }

    private void InspectLimit(RuleContext context, PlanNode limit)
    {
        var distinct = NodeFacts.Descend(limit,
            n => n.NodeType is "Gather Merge" or "Gather" or "Sort" or "Incremental Sort" or "Subquery Scan" or "Result" or "LockRows" or "Limit",
            n => IsDistinct(n, context));
        if (distinct is null) return;
        var distinctRows = distinct.PlanRows ?? 0;
        var limitOne = context.Sql.DistinctUnderLimitOne
            || (limit.PlanRows is { } rows && rows <= context.Threshold("maxLimitRows") && distinctRows > rows);
        if (!limitOne) return;

        var scan = NodeFacts.FirstScan(distinct);
        var table = NodeFacts.Table(scan);
        var columns = PredicateColumns.IndexOrder(PredicateColumns.Read(scan?.Filter).Concat(PredicateColumns.Read(scan?.IndexCond)));
        var reads = scan is not null && scan.HasActuals && !scan.NeverExecuted
            ? $"the {PlanPath.ShortName(scan)} under it fetched {RuleText.Count(NodeFacts.Rows(scan) + NodeFacts.RemovedByFilter(scan))} rows to find {RuleText.Count(NodeFacts.Rows(scan))}"
            : $"it is planned to produce {RuleText.Count(distinctRows)} distinct rows at a cost of {RuleText.Count(distinct.TotalCost ?? 0)}";
        var where = columns.Count == 0 ? "…" : string.Join(" AND ", columns.Select(c => c + " = …"));
        var index = columns.Count == 0 ? "" : $"; an index on {table} ({string.Join(", ", columns)}) then finds it directly";
        context.Report(distinct,
            $"DISTINCT under LIMIT 1: {PlanPath.ShortName(distinct)} must de-duplicate its input in key order before the Limit can return one row ({reads}), where any matching row would answer the existence check.",
            $"Drop the DISTINCT (or DISTINCT ON) for the existence check: SELECT 1 FROM {table ?? "…"} WHERE {where} LIMIT 1 returns the same answer and lets PostgreSQL stop at the first matching row{index}.",
            [Fact("distinctNode", distinct.DisplayName), Fact("limitRows", limit.PlanRows ?? 0), Fact("distinctRowsEstimated", distinctRows), Fact("distinctTotalCost", distinct.TotalCost ?? 0)]);
    }

    private static bool IsDistinct(PlanNode node, RuleContext context)
    {
        if (node.NodeType == "Unique") return true;
        if (node.NodeType != "Aggregate" || node.Strategy is not ("Hashed" or "Sorted") || node.GroupKey is null) return false;
        // A GROUP BY with aggregates looks the same as a DISTINCT; VERBOSE output or the SQL tells them apart.
        if (node.Output is { } output) return !output.Any(o => System.Text.RegularExpressions.Regex.IsMatch(o, @"[A-Za-z_]\w*\("));
        return context.Sql.DistinctUnderLimitOne || context.Sql.DistinctInsideIn;
    }
}
