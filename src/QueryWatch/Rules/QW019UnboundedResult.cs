using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A query that sends very many rows to the application with no Limit: an app rarely shows or needs them all.</summary>
internal sealed class QW019UnboundedResult : IPlanRule
{
    public string Id => "QW019";
    public string Name => "unbounded-result";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Query returns very many rows to the application with no LIMIT: page it, aggregate in SQL, or stream it on purpose";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minRows"] = 100_000,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        // The root's rows are what the client receives; a ModifyTable without RETURNING sends none.
        if (node.Parent is not null || node.NeverExecuted || node.NodeType is "ModifyTable" or "Limit") return;
        var rows = context.HasActuals ? NodeFacts.Rows(node) : node.PlanRows ?? 0;
        if (rows < context.Threshold("minRows")) return;
        var width = node.PlanWidth is { } w && w > 0 ? $" (about {RuleText.Kb(rows * w / 1024.0)} of row data)" : "";
        context.Report(node,
            $"The query {(context.HasActuals ? "returned" : "is planned to return")} {RuleText.Count(rows)} rows{width} to the application, with no LIMIT.",
            "Fetch what the caller uses: a page (ORDER BY key LIMIT n, then keyset pagination), an aggregate computed in SQL (count, sum, GROUP BY) instead of in the application, or, when every row really is needed (an export), stream it (EF AsAsyncEnumerable, no ToList) and exempt the query with TagWith(\"querywatch:ignore\").",
            [Fact("rows", rows), Fact("width", node.PlanWidth ?? 0)]);
    }
}
