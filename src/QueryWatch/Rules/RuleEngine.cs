using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>
/// Runs the enabled rules over a plan in one walk and ranks what they find, most important first.
/// Callable with just a plan: no connection, no interceptor.
/// </summary>
internal sealed class RuleEngine
{
    private readonly (IPlanRule Rule, RuleOptions? Options)[] _rules;
    private readonly Action<IPlanRule, string?, Exception>? _ruleFailed;

    /// <param name="options">Per-rule overrides keyed by rule id or name; null runs every rule with its defaults.</param>
    /// <param name="ruleFailed">Told of each rule that throws (the rule, the statement's SQL, the exception), so the caller can count and log it; the plan just gets fewer findings.</param>
    /// <param name="catalogue">The rules to run; <see cref="RuleCatalogue.All"/> unless a test brings its own.</param>
    public RuleEngine(IReadOnlyDictionary<string, RuleOptions>? options = null, Action<IPlanRule, string?, Exception>? ruleFailed = null,
        IReadOnlyList<IPlanRule>? catalogue = null)
    {
        _ruleFailed = ruleFailed;
        var active = new List<(IPlanRule, RuleOptions?)>();
        foreach (var rule in catalogue ?? RuleCatalogue.All)
        {
            var own = Lookup(options, rule);
            if (own is { Enabled: false }) continue;
            active.Add((rule, own));
        }
        _rules = [.. active];
    }

    /// <summary>Findings for <paramref name="plan"/>, sorted by weight; never throws for an odd plan.</summary>
    /// <param name="plan">The plan, from either EXPLAIN format.</param>
    /// <param name="sql">The statement's SQL, when known: some rules read it.</param>
    /// <param name="statistics">The server's table statistics when the caller holds a connection; rules that need them say less without.</param>
    /// <param name="observed">How the command ran (duration, outcome, live samples), when known.</param>
    public IReadOnlyList<Finding> Analyze(Plan plan, string? sql = null, ITableStatistics? statistics = null, ObservedRun? observed = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var findings = new List<Finding>();
        var context = new RuleContext(plan, sql, findings, statistics, observed);
        foreach (var node in plan.Nodes)
        {
            foreach (var (rule, options) in _rules)
            {
                context.Enter(rule, options);
                try
                {
                    rule.Inspect(context, node);
                }
                catch (Exception e) when (e is ArithmeticException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or NullReferenceException or FormatException)
                {
                    // A rule tripping over a plan shape nobody foresaw must not cost the other rules'
                    // findings, nor the caller's command: the plan just gets fewer findings, and the
                    // caller (the worker) counts it on the Meter and logs it once per rule (issue #18).
                    _ruleFailed?.Invoke(rule, sql, e);
                }
            }
        }
        findings.Sort(static (a, b) =>
        {
            var byWeight = b.Weight.CompareTo(a.Weight);
            if (byWeight != 0) return byWeight;
            var bySeverity = b.Severity.CompareTo(a.Severity);
            if (bySeverity != 0) return bySeverity;
            var byNode = a.Node.Id.CompareTo(b.Node.Id);
            return byNode != 0 ? byNode : string.CompareOrdinal(a.RuleId, b.RuleId);
        });
        return findings;
    }

    private static RuleOptions? Lookup(IReadOnlyDictionary<string, RuleOptions>? options, IPlanRule rule)
    {
        if (options is null) return null;
        foreach (var (key, value) in options)
        {
            if (string.Equals(key, rule.Id, StringComparison.OrdinalIgnoreCase)
                || string.Equals(key, rule.Name, StringComparison.OrdinalIgnoreCase))
                return value;
        }
        return null;
    }
}
