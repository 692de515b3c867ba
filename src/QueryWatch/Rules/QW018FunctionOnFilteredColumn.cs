using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A scan whose Filter (or a join's Join Filter) wraps a column in a function or cast, so no plain index on the column can serve it.</summary>
internal sealed class QW018FunctionOnFilteredColumn : IPlanRule
{
    public string Id => "QW018";
    public string Name => "function-on-filtered-column";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Filter or join condition wraps a column in a function or cast (lower(email), created_at::date): only an expression index, or a rewritten predicate, can serve it";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minRowsRemoved"] = 10_000,
        ["minRemovedShare"] = 0.9,
        // estimated plans: the filtering node must at least cost this much to matter
        ["minEstimatedCost"] = 1_000,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NeverExecuted) return;
        string? condition;
        double removed;
        PlanNode? scan;
        if (NodeFacts.IsScan(node) && node.Filter is not null)
        {
            condition = node.Filter;
            removed = NodeFacts.RemovedByFilter(node);
            scan = node;
        }
        else if (node.NodeType == "Nested Loop" && node.JoinFilter is not null)
        {
            condition = node.JoinFilter;
            removed = NodeFacts.RemovedByJoinFilter(node);
            scan = NodeFacts.Inner(node) is { } inner ? (NodeFacts.IsScan(inner) ? inner : NodeFacts.FirstScan(inner)) : null;
        }
        else return;

        // The cheap test first: reading the condition's expressions allocates, and most nodes are not heavy.
        var kept = NodeFacts.Rows(node);
        var share = removed + kept > 0 ? removed / (removed + kept) : 0;
        var heavy = context.HasActuals
            ? removed >= context.Threshold("minRowsRemoved") && share >= context.Threshold("minRemovedShare")
            : (node.TotalCost ?? 0) >= context.Threshold("minEstimatedCost");
        if (!heavy) return;
        var wrapped = WrappedColumns.Read(condition);
        if (wrapped.Count == 0) return;

        // For a join filter, only the inner relation's own expressions can become its index keys.
        var own = scan is null ? [] : wrapped.Where(w => node == scan || w.Expression.Contains((scan.Alias ?? scan.RelationName) + ".", StringComparison.Ordinal)).ToList();
        var advice = scan is null || own.Count == 0 ? null : IndexAdvisor.ForExpressions(scan, [.. own.Select(w => WrappedColumns.Unqualify(w.Expression, scan.Alias))]);
        var expressions = string.Join(", ", wrapped.Select(w => RuleText.Redact(w.Expression)));
        var where = node == scan ? "Filter" : "Join Filter";
        var evidence = context.HasActuals
            ? $"it removed {RuleText.Count(removed)} of {RuleText.Count(removed + kept)} rows ({RuleText.Percent(share)})"
            : $"it is planned at a cost of {RuleText.Count(node.TotalCost ?? 0)}";
        var rewrite = wrapped.Any(w => w.IsCast)
            ? "or compare the bare column with a range of its own type (created_at >= @day AND created_at < @day + 1 day instead of created_at::date = @day)"
            : "or store the value already normalised (a lower-cased column, a citext column) and compare the bare column";
        context.Report(node,
            $"{PlanPath.ShortName(node)}'s {where} compares {expressions}, not the bare column{(wrapped.Count > 1 ? "s" : "")} {string.Join(", ", wrapped.Select(w => w.Column).Distinct())}: no plain index can serve it, and {evidence}.",
            advice is null
                ? $"Make the condition indexable: an expression index on exactly that expression, {rewrite}."
                : $"Index the expression itself: {advice.Ddl} (the function must be IMMUTABLE); {rewrite}.",
            [Fact("expressions", expressions), Fact("columns", string.Join(", ", wrapped.Select(w => w.Column).Distinct())), Fact("rowsRemoved", removed), Fact("totalCost", node.TotalCost ?? 0), .. IndexFact(advice)]);
    }
}
