using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A Limit that reads and throws away a large OFFSET before returning its page (EF <c>Skip()</c>).</summary>
internal sealed class QW015LargeOffset : IPlanRule
{
    public string Id => "QW015";
    public string Name => "large-offset";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Limit whose input produces a large OFFSET only to discard it: each later page costs more; keyset pagination reads just the page";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minSkippedRows"] = 10_000,
        // rows skipped per row returned
        ["minSkippedPerRow"] = 10,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NodeType != "Limit" || node.NeverExecuted) return;
        if (NodeFacts.Inputs(node).FirstOrDefault() is not { } input || input.NeverExecuted) return;
        double returned, skipped;
        if (context.HasActuals)
        {
            // The Limit pulls OFFSET + LIMIT rows from its input and passes on the last LIMIT.
            returned = NodeFacts.Rows(node);
            skipped = NodeFacts.Rows(input) - returned;
        }
        else
        {
            // The planner charges the skipped rows to the Limit's startup cost (limit_needed / adjust_limit_rows_costs
            // in src/backend/optimizer/plan/createplan.c): startup = input startup + offset share of the input's run cost.
            if (node.StartupCost is not { } start || input.StartupCost is not { } inStart || input.TotalCost is not { } inTotal || input.PlanRows is not { } inRows) return;
            var run = inTotal - inStart;
            if (run <= 0 || start <= inStart) return;
            skipped = inRows * (start - inStart) / run;
            returned = node.PlanRows ?? 0;
        }
        if (skipped < context.Threshold("minSkippedRows") || skipped < context.Threshold("minSkippedPerRow") * Math.Max(returned, 1)) return;

        var time = context.HasActuals && node.InclusiveTimeMs is { } ms ? $" in {RuleText.Ms(ms)}" : "";
        context.Report(node,
            $"{PlanPath.ShortName(node)} {(context.HasActuals ? "read" : "is planned to read")} {RuleText.Count(skipped + returned)} rows from {PlanPath.ShortName(input)} to return {RuleText.Count(returned)}{time}: {RuleText.Count(skipped)} rows of OFFSET are produced and thrown away, and every later page throws away more.",
            "Paginate by key instead of by position: remember the last row's ORDER BY values and ask for WHERE (sort_key, id) > (@last_sort_key, @last_id) ORDER BY sort_key, id LIMIT n (in EF, a Where on the last key instead of Skip()), with an index on (sort_key, id).",
            [Fact("rowsSkipped", skipped), Fact("rowsReturned", returned), Fact("limitStartupCost", node.StartupCost ?? 0), Fact("inputTotalCost", input.TotalCost ?? 0)]);
    }
}
