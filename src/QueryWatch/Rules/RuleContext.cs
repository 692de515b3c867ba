using System.Globalization;
using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>
/// What a rule sees while the engine walks one plan: the plan, what the SQL says (when given),
/// the rule's effective thresholds, and where to report.
/// </summary>
internal sealed class RuleContext
{
    private readonly List<Finding> _findings;
    private readonly double _totalTimeMs;
    private readonly double _maxCost;
    private IPlanRule _rule = null!;
    private RuleOptions? _options;

    internal RuleContext(Plan plan, string? sql, List<Finding> findings, ITableStatistics? statistics = null, ObservedRun? observed = null)
    {
        Plan = plan;
        Statistics = statistics;
        Observed = observed;
        Sql = SqlShape.Of(sql);
        _findings = findings;
        _totalTimeMs = Math.Max(plan.Root.InclusiveTimeMs ?? 0, plan.ExecutionTimeMs ?? 0);
        foreach (var node in plan.Nodes)
        {
            if (node.TotalCost is { } cost && cost > _maxCost) _maxCost = cost;
        }
    }

    public Plan Plan { get; }

    /// <summary>What the SQL text shows; <see cref="SqlShape.None"/> when no SQL was given.</summary>
    public SqlShape Sql { get; }

    /// <summary>The server's figures on the plan's tables, when the caller had a connection; null otherwise.</summary>
    public ITableStatistics? Statistics { get; }

    /// <summary>How the command this plan belongs to ran (duration, outcome, live samples), when known; null for a bare plan.</summary>
    public ObservedRun? Observed { get; }

    /// <summary>The major version of the server that printed the plan (<see cref="Plan.ServerVersion"/>); null when unknown, as for a paste.</summary>
    public int? ServerMajor => Plan.ServerVersion?.Major;

    /// <summary>The plan was taken with ANALYZE.</summary>
    public bool HasActuals => Plan.HasActuals;

    internal void Enter(IPlanRule rule, RuleOptions? options)
    {
        _rule = rule;
        _options = options;
    }

    /// <summary>The threshold's override when the user set one, else the rule's default (0 for an unknown name).</summary>
    public double Threshold(string name)
    {
        if (_options is not null && _options.Thresholds.TryGetValue(name, out var value)) return value;
        return _rule.DefaultThresholds.TryGetValue(name, out var fallback) ? fallback : 0;
    }

    /// <summary>
    /// Records a finding at <paramref name="node"/>; <paramref name="severity"/> lowers or raises the rule's default for this one.
    /// <paramref name="basis"/> defaults to what the plan itself is: <see cref="FindingBasis.Measured"/> with ANALYZE, else
    /// <see cref="FindingBasis.Estimated"/>; a rule that weighed the duration, samples or a probe says so.
    /// </summary>
    public void Report(PlanNode node, string message, string suggestion, IReadOnlyList<KeyValuePair<string, string>> evidence, RuleSeverity? severity = null, FindingBasis? basis = null)
    {
        var effective = _options?.Severity ?? severity ?? _rule.DefaultSeverity;
        var rests = basis ?? (HasActuals ? FindingBasis.Measured : FindingBasis.Estimated);
        _findings.Add(new Finding(_rule.Id, _rule.Name, effective, node, PlanPath.Of(node), message, suggestion, evidence, WeightOf(node), rests));
    }

    /// <summary>One evidence entry with a number in invariant form.</summary>
    public static KeyValuePair<string, string> Fact(string key, double value) =>
        new(key, value.ToString("0.###", CultureInfo.InvariantCulture));

    /// <summary>One evidence entry with text.</summary>
    public static KeyValuePair<string, string> Fact(string key, string value) => new(key, value);

    /// <summary>
    /// A measured figure (rows removed, loops) as evidence only when the plan was taken with ANALYZE:
    /// an estimated plan does not know it, and a 0 there would read as a measurement.
    /// </summary>
    public KeyValuePair<string, string>[] MeasuredFact(string key, double value) =>
        HasActuals ? [Fact(key, value)] : [];

    /// <summary>
    /// The evidence entry <c>index</c> holding the proposed index's exact DDL (what index verification
    /// reads); nothing when there is no proposal.
    /// </summary>
    public static KeyValuePair<string, string>[] IndexFact(IndexAdvice? advice) =>
        advice is null ? [] : [new(IndexEvidenceKey, advice.Ddl)];

    /// <summary>The evidence key whose value is a <c>CREATE INDEX CONCURRENTLY</c> statement.</summary>
    public const string IndexEvidenceKey = "index";

    private double WeightOf(PlanNode node)
    {
        if (HasActuals && _totalTimeMs > 0)
            return node.InclusiveTimeMs is { } ms ? Math.Clamp(ms / _totalTimeMs, 0, 1) : 0;
        if (_maxCost <= 0) return 0;
        // A SubPlan's cost is per execution; what it costs the query is folded into the node that runs it.
        for (var n = node; n is not null; n = n.Parent)
        {
            if (n.ParentRelationship is "SubPlan" && n.Parent is { } owner)
                return Math.Clamp((owner.TotalCost ?? 0) / _maxCost, 0, 1);
        }
        return Math.Clamp((node.TotalCost ?? 0) / _maxCost, 0, 1);
    }
}
