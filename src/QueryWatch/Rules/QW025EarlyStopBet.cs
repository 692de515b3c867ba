using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>
/// A plan that is cheap only because it expects to stop early (a Limit, a semi or anti join stopping at the first
/// match) on a condition it cannot know holds early; the command's duration says whether the bet was lost.
/// </summary>
internal sealed class QW025EarlyStopBet : IPlanRule
{
    public string Id => "QW025";
    public string Name => "early-stop-bet";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Plan cheap only because a Limit or an EXISTS/semi/anti join expects to stop early on a Filter; the command's duration shows the bet was lost";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        // the early stop expects to pay at most this share of what its input costs run through
        ["maxExpectedShare"] = 0.01,
        // without a duration: the input run through costs at least this much (1 s at the default 0.01 ms per cost unit)
        ["minWorstCaseCost"] = 100_000,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        // ANALYZE shows what happened instead (QW004, QW014 and the rest read the actual rows removed).
        if (context.HasActuals || node.NeverExecuted) return;
        if (Bet(node) is not { } bet) return;
        var (input, expected, worst) = bet;
        if (worst <= 0 || expected / worst > context.Threshold("maxExpectedShare")) return;
        // With a duration, the duration decides whether the worst case matters; without one, only a costly one is worth a note.
        if (context.Observed is null && worst < context.Threshold("minWorstCaseCost")) return;
        if (ConditionBelow(input) is not { } conditionNode) return;
        var condition = conditionNode.JoinFilter ?? conditionNode.Filter!;
        var kind = conditionNode.JoinFilter is not null ? "Join Filter" : "Filter";

        string verdict;
        RuleSeverity severity;
        FindingBasis basis;
        if (context.Observed is null)
        {
            // A pasted plan: the bet is a risk, not a finding; most pagination plans win it.
            verdict = "Nothing says whether the bet holds: with the command's duration (querywatch analyze --duration), QueryWatch can tell.";
            (severity, basis) = (RuleSeverity.Info, FindingBasis.Estimated);
        }
        else if (PlannedWork.RanFarLonger(context) && PlannedWork.CouldExplainDuration(context, worst * node.EstimatedExecutions))
        {
            var text = PlannedWork.DurationText(context);
            verdict = $"{char.ToUpperInvariant(text[0])}{text[1..]}: the bet was lost, the rows it counted on did not turn up early.";
            (severity, basis) = (RuleSeverity.Warning, FindingBasis.Observed);
        }
        else
        {
            // The command took about what the plan predicts, or longer for a reason this bet cannot account for.
            return;
        }

        var table = NodeFacts.Table(conditionNode) ?? NodeFacts.Table(NodeFacts.FirstScan(conditionNode));
        var loops = conditionNode.EstimatedExecutions / Math.Max(node.EstimatedExecutions, 1);
        var (widest, rows) = RowsRead(input);
        var what = node.NodeType == "Limit"
            ? $"{PlanPath.ShortName(node)} expects to pay {RuleText.Count(expected)} of the {RuleText.Count(worst)} its input {PlanPath.ShortName(input)} costs run through ({RuleText.Percent(expected / worst)})"
            : $"{PlanPath.ShortName(node)} expects to find its first match early on each of its runs, paying {RuleText.Count(expected)} of the {RuleText.Count(worst)} its inner side costs run through ({RuleText.Percent(expected / worst)})";
        var loopText = loops > 1 ? $", running {PlanPath.ShortName(conditionNode)} {RuleText.Count(loops)} times" : "";
        context.Report(node,
            $"{what}: a bet that rows passing the {kind} {RuleText.Redact(condition)}{(table is null ? "" : $" on {table}")} turn up early. If they are rare or sit at the far end, it reads everything: {RuleText.Count(worst)} cost units, about {RuleText.Ms(PlannedWork.AsMs(context, worst))} at {PlannedWork.MsPerCostText(context)}, reading {RuleText.Count(rows)} rows{(widest is null ? "" : $" of {NodeFacts.Table(widest)}")}{loopText}. {verdict}",
            "Make the condition the bet depends on cheap to find instead of lucky: an index that leads with the filtered columns (or a partial index WHERE the condition holds), so matching rows are read directly; or bound the work (key-range batches instead of a LIMIT over everything), so a lost bet costs one batch.",
            [Fact("betNode", node.NodeType), Fact("condition", RuleText.Redact(condition)), Fact("expectedCost", expected), Fact("worstCaseCost", worst),
             Fact("worstCaseMs", PlannedWork.AsMs(context, worst)), Fact("rowsRead", rows), Fact("loops", loops), Fact("msPerCostUnit", context.Observed?.MsPerCostUnit ?? ObservedRun.DefaultMsPerCostUnit),
             .. context.Observed is { } run ? [Fact("durationMs", run.Duration.TotalMilliseconds), Fact("predictedMs", PlannedWork.PredictedMs(context))] : Array.Empty<KeyValuePair<string, string>>()],
            severity, basis);
    }

    /// <summary>The input a node stops reading early, what it expects to pay and what the input costs run through.</summary>
    private static (PlanNode Input, double Expected, double Worst)? Bet(PlanNode node)
    {
        if (node.NodeType == "Limit")
        {
            var input = NodeFacts.Inputs(node).FirstOrDefault();
            if (input?.TotalCost is not { } all || node.TotalCost is not { } pay || all <= 0) return null;
            return (input, pay, all);
        }
        if (node.NodeType == "Nested Loop" && node.JoinType is "Semi" or "Anti"
            && NodeFacts.Outer(node) is { } outer && NodeFacts.Inner(node) is { } inner && inner.TotalCost is { } innerCost && node.TotalCost is { } total)
        {
            // Each inner run stops at its first match: the loop costs what the outer side costs plus a part of each run.
            var runs = Math.Max(outer.PlanRows ?? 1, 1);
            var outerCost = outer.TotalCost ?? 0;
            return (inner, Math.Max(total - outerCost, 0), runs * innerCost);
        }
        return null;
    }

    /// <summary>
    /// The Filter or Join Filter under the bet that is checked most often (the inner side of a loop is checked once
    /// per outer row): the condition the early stop waits on. On a tie, the first met depth first.
    /// </summary>
    private static PlanNode? ConditionBelow(PlanNode input)
    {
        PlanNode? best = null;
        double bestChecks = -1;
        var stack = new Stack<PlanNode>();
        stack.Push(input);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n.Filter is not null || n.JoinFilter is not null)
            {
                var checks = n.EstimatedExecutions * (n.JoinFilter is not null && NodeFacts.Outer(n) is { } outer ? Math.Max(outer.PlanRows ?? 1, 1) : 1);
                if (checks > bestChecks) (best, bestChecks) = (n, checks);
            }
            var children = n.Children;
            for (var i = children.Count - 1; i >= 0; i--)
            {
                if (children[i].ParentRelationship is not ("SubPlan" or "InitPlan")) stack.Push(children[i]);
            }
        }
        return best;
    }

    /// <summary>The scan under <paramref name="input"/> that reads the most rows run through, and how many per run of the input.</summary>
    private static (PlanNode? Scan, double Rows) RowsRead(PlanNode input)
    {
        (PlanNode? Scan, double Rows) most = (null, 0);
        var runs = Math.Max(input.EstimatedExecutions, 1);
        var stack = new Stack<PlanNode>();
        stack.Push(input);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            var rows = NodeFacts.IsScan(n) ? NodeFacts.EstimatedRowsAllProcesses(n) * n.EstimatedExecutions / runs : 0;
            // On a tie, the side met first (the outer, driving side) is the one the message names.
            if (rows > most.Rows || (rows > 0 && rows == most.Rows && most.Scan is { } m && n.Id < m.Id)) most = (n, rows);
            foreach (var child in n.Children) if (child.ParentRelationship is not ("SubPlan" or "InitPlan")) stack.Push(child);
        }
        return most;
    }
}
