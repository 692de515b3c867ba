using QueryWatch.Plans;
using QueryWatch.Rules;

namespace QueryWatch.Explain;

/// <summary>What the worker asks of the rules: findings for one statement's plan.</summary>
internal interface IPlanAnalyzer
{
    IReadOnlyList<Finding> Analyze(Plan plan, string sql, ITableStatistics? statistics = null, ObservedRun? observed = null);
}
