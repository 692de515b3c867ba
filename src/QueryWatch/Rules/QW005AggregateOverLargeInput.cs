using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>An aggregate reading orders of magnitude more rows than it emits, in a query that returns few rows.</summary>
internal sealed partial class QW005AggregateOverLargeInput : IPlanRule
{
    public string Id => "QW005";
    public string Name => "aggregate-over-large-input";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Aggregate reads orders of magnitude more rows than it emits for a small result: keep the summary (trigger) or use a loose index scan";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minInputRows"] = 100_000,
        ["minReduction"] = 1_000,
        ["maxResultRows"] = 1_000,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NodeType != "Aggregate" || node.PartialMode == "Partial" || node.NeverExecuted) return;
        var input = NodeFacts.Inputs(node).FirstOrDefault();
        if (node.PartialMode == "Finalize")
        {
            var partial = NodeFacts.Descend(node, n => n.NodeType is "Gather" or "Gather Merge" or "Sort", n => n.NodeType == "Aggregate");
            input = partial is null ? null : NodeFacts.Inputs(partial).FirstOrDefault();
        }
        if (input is null || input.NeverExecuted) return;

        var inputRows = context.HasActuals ? NodeFacts.Rows(input) : NodeFacts.EstimatedRowsAllProcesses(input);
        var outputRows = NodeFacts.Rows(node);
        var resultRows = NodeFacts.Rows(context.Plan.Root);
        if (inputRows < context.Threshold("minInputRows") || inputRows / Math.Max(outputRows, 1) < context.Threshold("minReduction")
            || resultRows > context.Threshold("maxResultRows")) return;

        var table = NodeFacts.Table(NodeFacts.FirstScan(input));
        var groups = node.GroupKey is { Count: > 0 } keys ? string.Join(", ", keys) : null;
        var verb = context.HasActuals ? "reads" : "is planned to read";
        var minMax = groups is null ? MinMax(node, context) : null;
        context.Report(node,
            $"{PlanPath.ShortName(node)} {verb} {RuleText.Count(inputRows)} rows{(table is null ? "" : " of " + table)} to emit {RuleText.Count(outputRows)} ({RuleText.Count(inputRows / Math.Max(outputRows, 1))} to one){(groups is null ? "" : ", grouped by " + groups)}, for a query that returns {RuleText.Count(resultRows)} row{(resultRows == 1 ? "" : "s")}: the whole input is re-read every time the query runs.",
            minMax is not null
                ? $"For {minMax.Value.Function}, index the aggregated column{(minMax.Value.Column is { } column && table is not null ? $": CREATE INDEX CONCURRENTLY ON {table} ({column})" : "")}; PostgreSQL then reads one end of the index (Limit → Index Only Scan{(minMax.Value.Function == "max" ? " Backward" : "")}) instead of every row. Only when no index can serve it, keep the value in a one-row summary maintained by trigger."
                : groups is null
                ? $"Keep the aggregate instead of recomputing it: a one-row summary of {table ?? "the table"} maintained by trigger (or a materialized view refreshed on a schedule, if staleness is acceptable)."
                : $"Keep the aggregate instead of recomputing it: a summary table with one row per {groups}, maintained by trigger; for min/max per group, a loose index scan (a recursive CTE stepping through an index on ({groups}, …) one group at a time) reads one index entry per group.",
            [Fact("inputRows", inputRows), Fact("outputRows", outputRows), Fact("resultRows", resultRows), Fact("groupKey", groups ?? "")]);
    }

    /// <summary>
    /// A plain aggregate computing min or max: the plan's Output (VERBOSE) names the function and column; without it
    /// the SQL's <c>min(</c>/<c>max(</c> says the function alone. Null when it is anything else (count, sum, several).
    /// </summary>
    private static (string Function, string? Column)? MinMax(PlanNode node, RuleContext context)
    {
        if (node.Output is { Count: 1 } output && MinMaxOutput().Match(output[0]) is { Success: true } m)
        {
            var column = m.Groups[2].Value;
            var dot = column.LastIndexOf('.');
            return (m.Groups[1].Value.ToLowerInvariant(), dot >= 0 ? column[(dot + 1)..] : column);
        }
        if (node.Output is null && context.Sql.MinOrMax) return ("min/max", null);
        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(min|max)\(([\w.""]+)\)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex MinMaxOutput();
}
