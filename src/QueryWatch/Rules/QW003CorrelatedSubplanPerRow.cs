using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A correlated, non-hashed SubPlan re-run once per outer row.</summary>
internal sealed class QW003CorrelatedSubplanPerRow : IPlanRule
{
    public string Id => "QW003";
    public string Name => "correlated-subplan-per-row";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "A correlated SubPlan runs once per outer row (an EXISTS OR-ed with another condition cannot become a semi join)";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        // actual loops, or the estimated rows of the node that runs it
        ["minLoops"] = 1_000,
        // the same for an EXISTS OR-ed with another condition (the test-suite API judges this shape at any size)
        ["minLoopsOrExists"] = 1_000,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.ParentRelationship != "SubPlan" || node.SubplanName is not { } name || node.Parent is not { } owner) return;
        if (node.NeverExecuted) return;
        var references = NodeFacts.Conditions(owner).Where(c => c.Contains(name, StringComparison.Ordinal)).ToList();
        // A hashed SubPlan runs once and is probed per row; a negated one is QW008's (NOT IN -> anti join).
        if (references.Any(r => r.Contains("hashed " + name, StringComparison.Ordinal))) return;
        if (references.Any(r => r.Contains("NOT (" + name, StringComparison.Ordinal))) return;

        var orExists = context.Sql.OrExists || references.Any(r =>
            r.Contains("OR (" + name, StringComparison.Ordinal) || r.Contains("OR (alternatives: " + name, StringComparison.Ordinal)
            || r.Contains("OR (EXISTS(" + name, StringComparison.Ordinal) || r.Contains(name + ") OR ", StringComparison.Ordinal)
            || r.Contains(name + ")) OR ", StringComparison.Ordinal));
        var loops = context.HasActuals ? node.ActualLoops ?? 0 : Math.Max(node.EstimatedExecutions, 1);
        if (loops < context.Threshold(orExists ? "minLoopsOrExists" : "minLoops")) return;
        var scan = NodeFacts.FirstScan(node);
        var inner = NodeFacts.Table(scan) ?? "the subquery";
        var correlation = scan?.IndexCond ?? scan?.RecheckCond ?? scan?.Filter;
        var time = node.InclusiveTimeMs is { } ms && ms > 0 ? $", {RuleText.Ms(ms)} in all" : "";
        var runs = context.HasActuals ? $"ran {RuleText.Count(loops)} times{time}" : $"is planned to run {RuleText.Count(loops)} times (once for each of an estimated {RuleText.Count(loops)} rows)";
        RuleSeverity? severity = null;
        FindingBasis? basis = null;
        var observed = "";
        if (!context.HasActuals)
        {
            (var level, basis) = PlannedWork.Verdict(context, node, PlannedWork.Cost(node), PlannedWork.EarlyStopAbove(owner) is not null);
            severity = level;
            if (basis == FindingBasis.Observed) observed = " " + char.ToUpperInvariant(PlannedWork.DurationText(context)[0]) + PlannedWork.DurationText(context)[1..] + ": the per-row runs are where that time goes.";
        }
        var why = orExists
            ? "it is an EXISTS OR-ed with another condition, which PostgreSQL cannot turn into a semi join, so the subquery is re-run per row"
            : "it is correlated with the outer query and is not hashed, so it is re-run per row";
        var message = $"{name} ({PlanPath.ShortName(node)} over {inner}) {runs}, once per row of {PlanPath.ShortName(owner)}: {why}"
            + (correlation is null ? "." : $" (correlated on {RuleText.Redact(correlation)}).") + observed;
        var suggestion = orExists
            ? $"Take the EXISTS out of the OR: split the query into two branches combined with UNION ALL (one per side of the OR), or join {inner} (LEFT JOIN {inner} ON the correlation columns, with the condition moved to WHERE); if that is not possible, keep an indexable flag column that says whether a row is eligible."
            : $"Rewrite the correlated subquery as a join so it is planned once: EXISTS/IN as a plain AND-ed WHERE condition becomes a semi join; a scalar subquery in the select list becomes a LEFT JOIN (LATERAL) on {inner}.";
        context.Report(node, message, suggestion,
            [Fact("subPlan", name), Fact("loops", loops), Fact("orExists", orExists ? "true" : "false"), Fact("innerRelation", inner), Fact("timeMs", node.InclusiveTimeMs ?? 0)],
            severity, basis);
    }
}
