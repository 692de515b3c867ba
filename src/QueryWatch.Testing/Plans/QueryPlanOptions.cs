using QueryWatch.Rules;

namespace QueryWatch.Testing;

/// <summary>How <see cref="QueryPlan"/> explains a query and what its assertions accept.</summary>
public sealed class QueryPlanOptions
{
    /// <summary>
    /// Runs EXPLAIN ANALYZE (actual rows, loops, time) for read-only SELECTs, inside a READ ONLY
    /// transaction that is rolled back. Off by default: the estimated plan is what a test pins.
    /// </summary>
    public bool Analyze { get; set; }

    /// <summary>The lowest severity <see cref="QueryPlanResult.AssertHealthy()"/> fails on (default warning).</summary>
    public RuleSeverity MinimumSeverity { get; set; } = RuleSeverity.Warning;

    /// <summary>Rule ids or names (<c>QW009</c>, <c>seq-scan-selective-filter</c>) the assertions never fail on.</summary>
    public ISet<string> IgnoreRules { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Judges shape rules at any table size (default true): a test database is small, so the rules
    /// that pin a plan's shape run with their size thresholds removed, and rules about size keep theirs.
    /// </summary>
    public bool ShapeChecksAtAnySize { get; set; } = true;

    /// <summary>statement_timeout of each EXPLAIN (default 30 s).</summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
