using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>
/// A large misestimate on a base-table scan. With the server's <c>pg_stat_user_tables</c> figures at hand
/// it says whether the statistics are stale (ANALYZE) or fresh (correlated columns: CREATE STATISTICS);
/// from the plan alone it can only report the misestimate.
/// </summary>
internal sealed class QW017StaleStatistics : IPlanRule
{
    public string Id => "QW017";
    public string Name => "stale-statistics";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Base-table scan misestimated 10x or more on a table modified heavily since its last ANALYZE (or, fresh statistics, on correlated columns)";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minFactor"] = 10,
        ["minRows"] = 1_000,
        // rows inserted/updated/deleted since the last ANALYZE, as a share of the live rows
        ["minModifiedShare"] = 0.1,
        ["maxAnalyzeAgeDays"] = 30,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (!context.HasActuals || node.NeverExecuted || node.RelationName is null) return;
        // A scan stopped because the other side of its join was empty read what it was allowed to, not what it would have found.
        if (CutShort.ByEmptyJoinSide(node)) return;
        if (node.NodeType is not ("Seq Scan" or "Index Scan" or "Index Only Scan" or "Bitmap Heap Scan")) return;
        if (node.EstimateErrorFactor is not { } factor || factor < context.Threshold("minFactor")) return;
        var actual = node.ActualRows ?? 0;
        var estimated = node.PlanRows ?? 0;
        if (Math.Max(actual, estimated) < context.Threshold("minRows")) return;
        if (estimated > actual && MayStopEarly(node)) return;

        var table = NodeFacts.Table(node)!;
        var columns = PredicateColumns.Read(node.Filter ?? node.IndexCond ?? node.RecheckCond).Select(c => c.Name).ToList();
        var what = $"{PlanPath.ShortName(node)} was estimated at {RuleText.Count(estimated)} rows and returned {RuleText.Count(actual)} per loop ({RuleText.Factor(factor)} off)";
        var extended = columns.Count >= 2
            ? $"CREATE STATISTICS {node.RelationName}_{string.Join("_", columns)} (dependencies, mcv) ON {string.Join(", ", columns)} FROM {table}; ANALYZE {table}"
            : null;
        var evidence = new List<KeyValuePair<string, string>> { Fact("estimatedRows", estimated), Fact("actualRows", actual), Fact("factor", factor), Fact("table", table) };

        var stats = context.Statistics?.Find(node.Schema, node.RelationName);
        if (stats is null)
        {
            context.Report(node,
                $"{what}; from the plan alone QueryWatch cannot tell whether {table}'s statistics are stale.",
                $"Check pg_stat_user_tables for {table} (n_mod_since_analyze, last_analyze, last_autoanalyze): if many rows changed since the last ANALYZE, run ANALYZE {table};{(extended is null ? "" : $" if not, the filtered columns are probably correlated: {extended}.")}",
                evidence, RuleSeverity.Info);
            return;
        }

        evidence.Add(Fact("modifiedSinceAnalyze", stats.ModifiedSinceAnalyze));
        evidence.Add(Fact("liveRows", stats.LiveRows));
        if (stats.SinceLastAnalyze is { } age) evidence.Add(Fact("daysSinceAnalyze", age.TotalDays));
        var modifiedShare = (double)stats.ModifiedSinceAnalyze / Math.Max(stats.LiveRows, 1);
        var stale = stats.SinceLastAnalyze is null
            || modifiedShare >= context.Threshold("minModifiedShare")
            || (stats.SinceLastAnalyze.Value.TotalDays >= context.Threshold("maxAnalyzeAgeDays") && stats.ModifiedSinceAnalyze > 0);
        if (stale)
        {
            var when = stats.SinceLastAnalyze is { } a ? $"last analyzed {Age(a)} ago" : "never analyzed";
            context.Report(node,
                $"{what}: {table}'s statistics are stale: {RuleText.Count(stats.ModifiedSinceAnalyze)} rows modified since its last ANALYZE ({RuleText.Percent(Math.Min(modifiedShare, 1))} of its {RuleText.Count(stats.LiveRows)} live rows), {when}.",
                $"Run ANALYZE {table}; and make autovacuum keep up with it (ALTER TABLE {table} SET (autovacuum_analyze_scale_factor = 0.02), or ANALYZE after bulk loads).",
                evidence);
            return;
        }

        context.Report(node,
            $"{what}, although {table}'s statistics are fresh ({RuleText.Count(stats.ModifiedSinceAnalyze)} rows modified since its last ANALYZE).",
            extended is not null
                ? $"The planner multiplies the selectivities of {string.Join(" and ", columns)} as if they were independent; if they are correlated, tell it: {extended}."
                : $"Give the planner a finer histogram for the filtered column (ALTER TABLE {table} ALTER COLUMN {(columns.Count == 1 ? columns[0] : "<column>")} SET STATISTICS 1000; ANALYZE {table}), or check whether the condition compares with a value the statistics cannot see (a function, a parameter type mismatch).",
            evidence, RuleSeverity.Info);
    }

    // Under a Limit, an EXISTS or a semi/anti join the scan is abandoned once enough rows came out:
    // fewer rows than estimated is the plan working, not a misestimate.
    private static bool MayStopEarly(PlanNode node)
    {
        for (var n = node.Parent; n is not null; n = n.Parent)
        {
            if (n.NodeType == "Limit" || n.JoinType is "Semi" or "Anti" or "Right Semi" or "Right Anti") return true;
        }
        for (var n = node; n is not null; n = n.Parent)
        {
            if (n.ParentRelationship is "SubPlan" or "InitPlan") return true;
        }
        return false;
    }

    private static string Age(TimeSpan age) =>
        age.TotalDays >= 2 ? $"{RuleText.Count(age.TotalDays)} days" : age.TotalHours >= 2 ? $"{RuleText.Count(age.TotalHours)} hours" : $"{RuleText.Count(Math.Max(age.TotalMinutes, 1))} minutes";
}
