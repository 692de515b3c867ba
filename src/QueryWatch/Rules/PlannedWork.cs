using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>
/// What an estimated plan says a node costs the query over all its planned executions, and what the
/// command's duration says about it: the arithmetic the estimated forms of the rules share.
/// </summary>
internal static class PlannedWork
{
    /// <summary>A node carrying at least this share of the plan's cost can be a warning on estimates alone.</summary>
    public const double MostOfThePlan = 0.5;

    /// <summary>The command ran at least this many times longer than its plan's cost predicts.</summary>
    public const double FarLongerFactor = 10;

    /// <summary>
    /// The node's planned work can explain the duration when, as time, it reaches this share of it: the cost-to-time
    /// factor is an average, and a cold cache reads many times slower.
    /// </summary>
    public const double ExplainsShare = 0.05;

    /// <summary>The largest total cost of any node: what the plan would cost if nothing stopped early.</summary>
    public static double MaxCost(Plan plan)
    {
        double max = 0;
        foreach (var node in plan.Nodes) if (node.TotalCost is { } c && c > max) max = c;
        return max;
    }

    /// <summary>
    /// The node's cost over all its planned executions, each run cut at a Limit above it within the same
    /// run (a Limit under a Nested Loop's inner side stops each rescan early).
    /// </summary>
    public static double Cost(PlanNode node)
    {
        var perRun = node.TotalCost ?? 0;
        var runs = node.EstimatedExecutions;
        for (var n = node.Parent; n is not null && n.EstimatedExecutions == runs; n = n.Parent)
        {
            if (n.NodeType == "Limit" && n.TotalCost is { } limit && limit < perRun) perRun = limit;
        }
        return perRun * runs;
    }

    /// <summary>The node's cost over all its planned executions with nothing stopping early: the worst case.</summary>
    public static double WorstCost(PlanNode node) => (node.TotalCost ?? 0) * node.EstimatedExecutions;

    /// <summary>The node's share (0..1) of the plan's cost if it ran through: <see cref="Cost"/> over <see cref="MaxCost"/>.</summary>
    public static double Share(RuleContext context, PlanNode node)
    {
        var max = MaxCost(context.Plan);
        return max > 0 ? Math.Clamp(Cost(node) / max, 0, 1) : 0;
    }

    /// <summary>The time the plan predicts for the whole command, in ms: the root's cost at the learned factor.</summary>
    public static double PredictedMs(RuleContext context) =>
        (context.Plan.Root.TotalCost ?? 0) * (context.Observed?.MsPerCostUnit ?? ObservedRun.DefaultMsPerCostUnit);

    /// <summary>A cost as time at the learned factor, in ms.</summary>
    public static double AsMs(RuleContext context, double cost) =>
        cost * (context.Observed?.MsPerCostUnit ?? ObservedRun.DefaultMsPerCostUnit);

    /// <summary>
    /// The command ran (or was cancelled after) far longer than its plan predicts: the estimates the plan
    /// rests on were wrong somewhere. False without a duration, and for a finished run too quick to be slow
    /// (<see cref="Impact.SlowMs"/>): ten times a prediction of a millisecond is still nobody's problem.
    /// </summary>
    public static bool RanFarLonger(RuleContext context) =>
        context.Observed is { } run && !context.HasActuals
        && (!run.Finished || run.Duration.TotalMilliseconds >= Impact.SlowMs)
        && run.Duration.TotalMilliseconds >= FarLongerFactor * Math.Max(PredictedMs(context), 1);

    /// <summary><paramref name="cost"/>, as time, is enough to account for the duration (a query slow for another reason is not).</summary>
    public static bool CouldExplainDuration(RuleContext context, double cost) =>
        context.Observed is { } run && AsMs(context, cost) >= ExplainsShare * run.Duration.TotalMilliseconds;

    /// <summary>
    /// Severity and basis for an estimated finding at <paramref name="node"/> whose planned work is <paramref name="cost"/>:
    /// a warning resting on the duration when the command ran far longer than predicted and this work can account for it;
    /// a warning on estimates when the node carries most of the plan's cost and no early stop is relied on; info otherwise.
    /// </summary>
    public static (RuleSeverity Severity, FindingBasis Basis) Verdict(RuleContext context, PlanNode node, double cost, bool reliesOnEarlyStop)
    {
        if (RanFarLonger(context) && CouldExplainDuration(context, cost)) return (RuleSeverity.Warning, FindingBasis.Observed);
        var max = MaxCost(context.Plan);
        var share = max > 0 ? cost / max : 0;
        return !reliesOnEarlyStop && share >= MostOfThePlan ? (RuleSeverity.Warning, FindingBasis.Estimated) : (RuleSeverity.Info, FindingBasis.Estimated);
    }

    /// <summary>
    /// For a rule that keeps its own severity on estimates: <see cref="FindingBasis.Observed"/> and a sentence saying
    /// so when the duration shows the plan ran far longer than predicted and <paramref name="cost"/> can account for it;
    /// else null and "".
    /// </summary>
    public static (FindingBasis? Basis, string Text) Observation(RuleContext context, double cost)
    {
        if (!RanFarLonger(context) || !CouldExplainDuration(context, cost)) return (null, "");
        var text = DurationText(context);
        return (FindingBasis.Observed, $" {char.ToUpperInvariant(text[0])}{text[1..]}.");
    }

    /// <summary>How the message says what an observed finding rests on: "; the command ran 20 s, its plan predicted 5 ms".</summary>
    public static string DurationText(RuleContext context)
    {
        if (context.Observed is not { } run) return "";
        var how = run.Finished ? "ran" : "was cancelled after";
        return $"the command {how} {RuleText.Ms(run.Duration.TotalMilliseconds)} where its plan's cost ({RuleText.Count(context.Plan.Root.TotalCost ?? 0)}) predicts {RuleText.Ms(PredictedMs(context))}";
    }

    /// <summary>The factor in use, for messages: "0.01 ms per cost unit".</summary>
    public static string MsPerCostText(RuleContext context) =>
        (context.Observed?.MsPerCostUnit ?? ObservedRun.DefaultMsPerCostUnit).ToString("0.#####", System.Globalization.CultureInfo.InvariantCulture) + " ms per cost unit";

    /// <summary>
    /// The nearest ancestor that stops reading its input early (a Limit) and expects to pay a small share of that input:
    /// the node runs to completion only if the rows the Limit wants never turn up.
    /// </summary>
    public static PlanNode? EarlyStopAbove(PlanNode node, double maxShare = 0.1)
    {
        for (var n = node.Parent; n is not null; n = n.Parent)
        {
            if (n.NodeType != "Limit") continue;
            var input = NodeFacts.Inputs(n).FirstOrDefault();
            if (input?.TotalCost is { } all && all > 0 && n.TotalCost is { } expected && expected / all <= maxShare) return n;
        }
        return null;
    }
}
