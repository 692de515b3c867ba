using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using QueryWatch.Diagnostics;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// The rule catalogue, with the user's per-rule overrides. A rule that throws costs only its own findings:
/// each failure is counted on the Meter, and logged once per rule (with the fingerprint of the first
/// statement it failed on) so a broken rule is seen without flooding the log.
/// </summary>
internal sealed class RuleEnginePlanAnalyzer : IPlanAnalyzer
{
    private readonly RuleEngine _engine;
    private readonly ILogger? _logger;
    private readonly ConcurrentDictionary<string, bool> _loggedFailures = new(StringComparer.Ordinal);

    public RuleEnginePlanAnalyzer(IDictionary<string, RuleOptions> rules, ILogger? logger = null, IReadOnlyList<IPlanRule>? catalogue = null)
    {
        _logger = logger;
        _engine = new(new Dictionary<string, RuleOptions>(rules, StringComparer.OrdinalIgnoreCase), OnRuleFailed, catalogue);
    }

    public IReadOnlyList<Finding> Analyze(Plan plan, string sql, ITableStatistics? statistics = null, ObservedRun? observed = null)
        => _engine.Analyze(plan, sql, statistics, observed);

    private void OnRuleFailed(IPlanRule rule, string? sql, Exception exception)
    {
        QueryWatchMetrics.RuleFailed(rule.Id);
        if (_logger is null || !_loggedFailures.TryAdd(rule.Id, true)) return;
        // The exception's type only: its message may quote a value from the plan.
        Log.RuleFailed(_logger, rule.Id, rule.Name, sql is null ? "" : SqlFingerprint.Compute(sql).IdHex, exception.GetType().Name);
    }
}
