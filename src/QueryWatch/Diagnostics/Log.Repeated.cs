using Microsoft.Extensions.Logging;
using QueryWatch.Rules;

namespace QueryWatch.Diagnostics;

/// <summary>QW027 repeated-statement (issue #13 part 5): a finding of the interceptor's own counting, not of a plan.</summary>
internal static partial class Log
{
    /// <summary>
    /// 3001 for QW027: the finding event's properties (<c>RuleId</c>, <c>RuleName</c>, <c>Severity</c>, <c>Basis</c>
    /// <c>Observed</c>, <c>Outcome</c> <c>Repeated</c>, <c>Fingerprint</c>, <c>DurationMs</c>, <c>Message</c>,
    /// <c>Suggestion</c>, <c>Sql</c> and the context), plus <c>Count</c>: how many times the statement ran, and
    /// <c>DurationMs</c> is the time those executions took together. No plan, so no <c>Node</c> and no
    /// <c>QueryId</c>. The caller checks IsEnabled.
    /// </summary>
    public static void RepeatedStatement(ILogger logger, LogLevel level, RuleSeverity severity, string fingerprint, int count, long totalMs,
        string message, string sql, FindingContext context)
    {
        var state = new FindingState();
        state.Text("").Add("RuleId", QW027RepeatedStatement.RuleId).Text(" ").Add("RuleName", QW027RepeatedStatement.RuleName)
            .Text(" (").Add("Severity", severity).Text(", ").Add("Basis", FindingBasis.Observed)
            .Text(") in ").Add("Outcome", "Repeated").Text(" command ").Add("Fingerprint", fingerprint)
            .Text(" (").Add("Count", count).Text(" times, ").Add("DurationMs", totalMs).Text(" ms together): ").Add("Message", message)
            .Text(" Fix: ").Add("Suggestion", QW027RepeatedStatement.Suggestion).Text(" SQL: ").Add("Sql", sql);
        state.SentBy(context);
        logger.Log(level, s_findingEvent, state.Seal(), null, static (s, _) => s.ToString());
    }
}
