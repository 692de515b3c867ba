using System.Text.RegularExpressions;
using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A negated subquery (NOT IN, NOT (SubPlan)) evaluated as a filter where NOT EXISTS would give an Anti Join.</summary>
internal sealed partial class QW008AntiJoinMissing : IPlanRule
{
    public string Id => "QW008";
    public string Name => "anti-join-missing";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Negated subquery (NOT IN, NOT (SubPlan)) checked as a per-row filter where NOT EXISTS would run as an Anti Join";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        // rows the negated filter is checked against
        ["minRows"] = 100,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NeverExecuted) return;
        string? condition = null;
        Match match = Match.Empty;
        foreach (var c in new[] { node.Filter, node.JoinFilter, node.OneTimeFilter })
        {
            if (c is null) continue;
            match = NegatedSubPlan().Match(c);
            if (match.Success) { condition = c; break; }
        }
        if (condition is null) return;

        var checkedRows = context.HasActuals
            ? NodeFacts.Rows(node) + NodeFacts.RemovedByFilter(node) + NodeFacts.RemovedByJoinFilter(node)
            : NodeFacts.Rows(node) * node.EstimatedExecutions;
        if (checkedRows < context.Threshold("minRows")) return;

        var name = match.Groups["name"].Value;
        var hashed = match.Groups["hashed"].Success;
        var subPlan = node.Children.FirstOrDefault(c => c.SubplanName == name);
        var inner = NodeFacts.Table(subPlan is null ? null : NodeFacts.FirstScan(subPlan)) ?? "the subquery's table";
        var outer = NodeFacts.Table(NodeFacts.IsScan(node) ? node : NodeFacts.FirstScan(node)) ?? "the outer table";
        var notIn = context.Sql.NotInSubquery ? "NOT IN (SELECT …)" : "the negated subquery";
        // A hashed SubPlan reading a parameter from an outer level is rebuilt on every rescan of the node that
        // evaluates it; the plan's own arithmetic shows it: that node's startup cost holds the SubPlan's whole cost.
        var rebuilt = hashed && subPlan is not null && !context.HasActuals && subPlan.EstimatedExecutions > 1
            && (node.StartupCost ?? 0) >= 0.99 * (subPlan.TotalCost ?? 0);
        var rebuiltMeasured = hashed && subPlan?.ActualLoops is { } builds && builds > 1;
        RuleSeverity? severity = hashed && !rebuilt && !rebuiltMeasured ? RuleSeverity.Info : null;
        FindingBasis? basis = null;
        string runs;
        if (rebuilt)
        {
            var subPlanRuns = subPlan!.EstimatedExecutions;
            runs = $"it is hashed, but reads a value from an outer level, so its hash is rebuilt on every rescan of {PlanPath.ShortName(node)}: planned {RuleText.Count(subPlanRuns)} times, each reading {inner} (a cost of {RuleText.Count(subPlan.TotalCost ?? 0)}, {RuleText.Count((subPlan.TotalCost ?? 0) * subPlanRuns)} in all)";
            (severity, basis) = PlannedWork.Verdict(context, node, Math.Max(PlannedWork.Cost(node), PlannedWork.Cost(subPlan)), reliesOnEarlyStop: false);
        }
        else if (rebuiltMeasured)
        {
            runs = $"it is hashed, but reads a value from an outer level, so its hash was rebuilt {RuleText.Count(subPlan!.ActualLoops ?? 0)} times, once per rescan";
        }
        else if (hashed)
        {
            runs = "it is hashed in memory, and runs once per row again when the subquery's result outgrows work_mem";
        }
        else if (subPlan?.ActualLoops is { } loops && loops > 0)
        {
            runs = $"it re-ran {name} over {inner} {RuleText.Count(loops)} times";
        }
        else if (subPlan is not null && !context.HasActuals)
        {
            runs = $"it is planned to re-run {name} over {inner} {RuleText.Count(subPlan.EstimatedExecutions)} times, once per row";
            (severity, basis) = PlannedWork.Verdict(context, node, PlannedWork.Cost(subPlan), PlannedWork.EarlyStopAbove(node) is not null);
        }
        else
        {
            runs = $"it re-runs {name} over {inner} for each row";
        }
        // PostgreSQL 19 plans NOT IN as an Anti Join itself when neither side can be NULL: on 19 a
        // negated SubPlan still in the plan means one side may be NULL, not that the planner never could.
        var why = context.ServerMajor >= 19
            ? "PostgreSQL 19 plans NOT IN as an Anti Join only when neither side can be NULL, and here one side can (a nullable column, or an outer join below)"
            : "PostgreSQL cannot plan NOT IN as an Anti Join, since NOT IN is never true when the subquery yields a NULL";
        var observed = basis == FindingBasis.Observed ? $" {char.ToUpperInvariant(PlannedWork.DurationText(context)[0])}{PlannedWork.DurationText(context)[1..]}." : "";
        context.Report(node,
            $"{PlanPath.ShortName(node)} checks {notIn} as a filter on {RuleText.Count(checkedRows)} rows ({RuleText.Redact(condition)}): {runs}. {why}.{observed}",
            $"Write the negation as NOT EXISTS (SELECT 1 FROM {inner} WHERE {inner}.<key> = {outer}.<key> AND …): PostgreSQL runs it as an Anti Join (hashed, or a nested loop using an index on the key of {inner}), and it also gives the answer people expect when the key is NULL.{(context.ServerMajor >= 19 ? " Or, if no NULL can occur, declare both columns NOT NULL: PostgreSQL 19 then plans the NOT IN itself as an Anti Join." : "")}",
            [Fact("subPlan", name), Fact("hashed", hashed ? "true" : "false"), Fact("rowsChecked", checkedRows), Fact("innerRelation", inner),
             .. rebuilt ? [Fact("rebuiltPerRescan", "true"), Fact("plannedBuilds", subPlan!.EstimatedExecutions)] : Array.Empty<KeyValuePair<string, string>>(),
             .. context.ServerMajor >= 19 ? [Fact("notInAntiJoinWhenNotNull", "true")] : Array.Empty<KeyValuePair<string, string>>()],
            severity, basis);
    }

    [GeneratedRegex(@"NOT \((?:ANY \(.*?)?\(?(?<hashed>hashed )?(?<name>SubPlan \d+)|NOT \(alternatives: (?<name>SubPlan \d+)", RegexOptions.CultureInvariant)]
    private static partial Regex NegatedSubPlan();
}
