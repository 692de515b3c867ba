using QueryWatch.Plans;
using QueryWatch.Rules;

namespace QueryWatch.Explain;

/// <summary>The rule catalogue, with the user's per-rule overrides.</summary>
internal sealed class RuleEnginePlanAnalyzer(IDictionary<string, RuleOptions> rules) : IPlanAnalyzer
{
    private readonly RuleEngine _engine = new(new Dictionary<string, RuleOptions>(rules, StringComparer.OrdinalIgnoreCase));

    public IReadOnlyList<Finding> Analyze(Plan plan, string sql, ITableStatistics? statistics = null, ObservedRun? observed = null)
        => _engine.Analyze(plan, sql, statistics, observed);
}
