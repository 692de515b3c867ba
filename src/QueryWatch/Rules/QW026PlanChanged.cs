using System.Globalization;
using System.Text;
using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>
/// The statement's plan has another shape than the one recorded for it before (a baseline or an earlier
/// capture, <see cref="ObservedRun.Prior"/>), and the command ran slower than every run of the old plan
/// (issue #15). Names what changed node by node, both plans side by side, when the old plan was last
/// seen, the durations before and after, and the likely cause when the plans say so: an index the old
/// plan used that the server no longer has, or one it still has and the planner passed over; a row
/// estimate on the same node that moved by orders of magnitude (with the table's last ANALYZE).
/// </summary>
internal sealed class QW026PlanChanged : IPlanRule
{
    public string Id => "QW026";
    public string Name => "plan-changed";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "The statement's plan changed shape since it was last recorded, and it got slower: what changed, when, and why when the plans say so";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        // how many times the slowest recorded run of the old plan this run must take
        ["minSlowdown"] = 2,
        // the factor a node's row estimate must move by to be named as the likely cause
        ["minEstimateFactor"] = 100,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        // Once per plan, at its root; the finding points at the first node that differs.
        if (node.Parent is not null || context.Observed is not { Prior: { } prior } observed) return;
        var hash = PlanShape.Hash(context.Plan);
        if (hash == prior.ShapeHash || prior.Durations.Count == 0) return;
        var slowest = TimeSpan.Zero;
        foreach (var d in prior.Durations) if (d > slowest) slowest = d;
        if (observed.Duration.TotalMilliseconds < Math.Max(slowest.TotalMilliseconds, 0.001) * context.Threshold("minSlowdown")) return;

        var diff = PlanShapeDiff.Compare(prior.Shape, context.Plan);
        var at = FirstChanged(diff) ?? context.Plan.Root;
        var differences = diff.Differences();
        var cause = Cause(context, diff, prior, out var causeFacts);

        var beforeMs = Median(prior.Durations);
        var ago = prior.Now - prior.LastSeen;
        // The trees first, the sentences after: the finding's fix follows the last sentence in the log line.
        var message = new StringBuilder()
            .Append("The plan of this statement changed shape since it was last seen ")
            .Append(Ago(ago)).Append(" ago (").Append(prior.LastSeen.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Append("), and it got slower: ").Append(RuleText.Ms(observed.Duration.TotalMilliseconds))
            .Append(observed.Finished ? "" : " before it was stopped")
            .Append(" now, ").Append(RuleText.Ms(beforeMs)).Append(prior.Durations.Count == 1 ? " before" : $" before (median of {prior.Durations.Count} runs, slowest {RuleText.Ms(slowest.TotalMilliseconds)})")
            .Append(".\nbefore: shape ").Append(PlanShape.Format(prior.ShapeHash)).Append(" | after: shape ").Append(PlanShape.Format(hash)).Append('\n')
            .Append(diff.RenderSideBySide())
            .Append("Changed: ").Append(string.Join("; ", differences)).Append('.');
        if (cause is not null) message.Append(" Likely cause: ").Append(cause).Append('.');

        var evidence = new List<KeyValuePair<string, string>>
        {
            Fact("previousShape", PlanShape.Format(prior.ShapeHash)),
            Fact("shape", PlanShape.Format(hash)),
            Fact("previousLastSeen", prior.LastSeen.ToString("O", CultureInfo.InvariantCulture)),
            Fact("previousDurationMs", beforeMs),
            Fact("previousRuns", prior.Durations.Count),
            Fact("durationMs", observed.Duration.TotalMilliseconds),
            Fact("changed", string.Join("; ", differences)),
        };
        evidence.AddRange(causeFacts);
        context.Report(at, message.ToString(), Suggestion(causeFacts), evidence, basis: FindingBasis.Observed);
    }

    private static PlanNode? FirstChanged(PlanShapeDiff diff)
    {
        foreach (var row in diff.Rows)
        {
            if (row.Kind is PlanShapeChange.Changed or PlanShapeChange.Added && row.After is { } after) return after.Node;
        }
        return null;
    }

    // What the two plans (and the server's answers the caller added) say about why the plan moved.
    private static string? Cause(RuleContext context, PlanShapeDiff diff, PriorPlan prior, out List<KeyValuePair<string, string>> facts)
    {
        facts = [];
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in diff.After) if (line.Node.IndexName is { } index) used.Add(index);
        foreach (var line in diff.Before)
        {
            if (line.Node.IndexName is not { } index || used.Contains(index)) continue;
            var on = line.Node.RelationName is { } table ? " on " + table : "";
            if (prior.DroppedIndexes?.Contains(index) == true)
            {
                facts.Add(Fact("droppedIndex", index));
                return $"index {index}{on}, which the old plan used, no longer exists";
            }
            facts.Add(Fact("unusedIndex", index));
            var exists = prior.DroppedIndexes is null ? "" : " although it still exists";
            return $"the planner no longer uses index {index}{on}{exists}" + Estimate(context, diff, facts, prefix: "; ");
        }
        var estimate = Estimate(context, diff, facts, prefix: "");
        return estimate.Length == 0 ? null : estimate;
    }

    // The node present in both plans (same relation, or same line) whose row estimate moved the most.
    private static string Estimate(RuleContext context, PlanShapeDiff diff, List<KeyValuePair<string, string>> facts, string prefix)
    {
        double best = 0;
        PlanShapeRow? found = null;
        foreach (var row in diff.Rows)
        {
            if (row.Before is not { } b || row.After is not { } a) continue;
            if (row.Kind == PlanShapeChange.Changed && (b.Node.RelationName is null || b.Node.RelationName != a.Node.RelationName)) continue;
            if (b.Node.PlanRows is not { } before || a.Node.PlanRows is not { } after) continue;
            var x = Math.Max(before, 1);
            var y = Math.Max(after, 1);
            var factor = x >= y ? x / y : y / x;
            if (factor > best)
            {
                best = factor;
                found = row;
            }
        }
        if (found is not { Before: { } was, After: { } now } || best < context.Threshold("minEstimateFactor")) return "";
        facts.Add(Fact("estimateNode", now.Text));
        facts.Add(Fact("estimatedRowsBefore", was.Node.PlanRows ?? 0));
        facts.Add(Fact("estimatedRowsAfter", now.Node.PlanRows ?? 0));
        var text = $"{prefix}the row estimate of {now.Text} moved from {RuleText.Count(was.Node.PlanRows ?? 0)} to {RuleText.Count(now.Node.PlanRows ?? 0)} ({RuleText.Factor(best)})";
        if (now.Node.RelationName is { } table && context.Statistics?.Find(now.Node.Schema, table) is { } stats)
        {
            if (stats.SinceLastAnalyze is { } since)
            {
                facts.Add(Fact("lastAnalyzeSecondsAgo", Math.Round(since.TotalSeconds)));
                text += $"; {table} was last analyzed {Ago(since)} ago";
            }
            else text += $"; {table} has never been analyzed";
        }
        return text;
    }

    private static string Suggestion(List<KeyValuePair<string, string>> facts)
    {
        foreach (var (key, value) in facts)
        {
            if (key == "droppedIndex")
                return $"If dropping {value} was not meant, create it again (CREATE INDEX CONCURRENTLY, with the definition from your migrations); if it was, this statement needs another index or a rewrite. Compare plans in CI with querywatch diff to catch the next flip before it ships.";
        }
        foreach (var (key, value) in facts)
        {
            if (key == "estimateNode")
                return $"The planner now expects far more (or fewer) rows at {value}, and chose the plan that fits that estimate. If the data did change (see pg_stats.most_common_vals for the filtered columns), the old plan no longer fits it: an index shaped for this statement's filter (partial or multicolumn), or extended statistics for correlated columns, can bring a fast plan back. If the estimate is wrong, raise the column's statistics target (ALTER TABLE ... ALTER COLUMN ... SET STATISTICS) and ANALYZE.";
        }
        foreach (var (key, value) in facts)
        {
            if (key == "unusedIndex")
                return $"Find out why the planner passed over {value}: run ANALYZE on its table (statistics that moved flip plans), check the parameter values this run had against the usual ones, and any changed planner setting. Compare plans with querywatch diff.";
        }
        return "Compare the two plans (querywatch diff keeps one per critical query in CI): statistics that moved (run ANALYZE on the tables whose estimates changed, or raise their statistics target), a parameter value that hit skewed data, or a schema or setting change usually explains a flip.";
    }

    private static double Median(IReadOnlyList<TimeSpan> durations)
    {
        var ms = new double[durations.Count];
        for (var i = 0; i < ms.Length; i++) ms[i] = durations[i].TotalMilliseconds;
        Array.Sort(ms);
        return ms.Length % 2 == 1 ? ms[ms.Length / 2] : (ms[ms.Length / 2 - 1] + ms[ms.Length / 2]) / 2;
    }

    private static string Ago(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        if (span.TotalMinutes < 1) return Math.Round(span.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " s";
        if (span.TotalHours < 1) return Math.Round(span.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " min";
        if (span.TotalDays < 2) return Math.Round(span.TotalHours, 1).ToString(CultureInfo.InvariantCulture) + " h";
        return Math.Round(span.TotalDays, 1).ToString(CultureInfo.InvariantCulture) + " days";
    }
}
