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

        var checkedRows = context.HasActuals ? NodeFacts.Rows(node) + NodeFacts.RemovedByFilter(node) + NodeFacts.RemovedByJoinFilter(node) : NodeFacts.Rows(node);
        if (checkedRows < context.Threshold("minRows")) return;

        var name = match.Groups["name"].Value;
        var hashed = match.Groups["hashed"].Success;
        var subPlan = node.Children.FirstOrDefault(c => c.SubplanName == name);
        var inner = NodeFacts.Table(subPlan is null ? null : NodeFacts.FirstScan(subPlan)) ?? "the subquery's table";
        var outer = NodeFacts.Table(NodeFacts.IsScan(node) ? node : NodeFacts.FirstScan(node)) ?? "the outer table";
        var notIn = context.Sql.NotInSubquery ? "NOT IN (SELECT …)" : "the negated subquery";
        var runs = hashed
            ? "it is hashed in memory, and runs once per row again when the subquery's result outgrows work_mem"
            : subPlan?.ActualLoops is { } loops && loops > 0
                ? $"it re-ran {name} over {inner} {RuleText.Count(loops)} times"
                : $"it re-runs {name} over {inner} for each row";
        context.Report(node,
            $"{PlanPath.ShortName(node)} checks {notIn} as a filter on {RuleText.Count(checkedRows)} rows ({RuleText.Redact(condition)}): {runs}. PostgreSQL cannot plan NOT IN as an Anti Join, since NOT IN is never true when the subquery yields a NULL.",
            $"Write the negation as NOT EXISTS (SELECT 1 FROM {inner} WHERE {inner}.<key> = {outer}.<key> AND …): PostgreSQL runs it as an Anti Join (hashed, or a nested loop using an index on the key of {inner}), and it also gives the answer people expect when the key is NULL.",
            [Fact("subPlan", name), Fact("hashed", hashed ? "true" : "false"), Fact("rowsChecked", checkedRows), Fact("innerRelation", inner)],
            hashed ? RuleSeverity.Info : null);
    }

    [GeneratedRegex(@"NOT \((?:ANY \(.*?)?\(?(?<hashed>hashed )?(?<name>SubPlan \d+)|NOT \(alternatives: (?<name>SubPlan \d+)", RegexOptions.CultureInvariant)]
    private static partial Regex NegatedSubPlan();
}
