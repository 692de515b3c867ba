using Microsoft.Extensions.Logging;
using QueryWatch.Diagnostics;
using QueryWatch.Rules;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// One QW027 repeated-statement finding, read on the application's thread when a statement's count reached
/// the threshold (who sent it, the request it ran in) and logged on the thread pool: normalizing the SQL and
/// writing the event never delay the command that crossed the threshold. Redacted as every finding is: the
/// SQL is always the normalized statement, the <c>TagWith</c> text loses its quoted values unless
/// <see cref="QueryWatchOptions.LogParameterValues"/> is on, and the message holds only counts, times and names.
/// </summary>
internal sealed class RepeatedStatementReport(
    ILogger logger, QueryWatchOptions options, string sql, int count, TimeSpan total, FindingContext context) : IThreadPoolWorkItem
{
    /// <summary>Queues the report without flowing the caller's execution context; never throws.</summary>
    public void Queue() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    public void Execute()
    {
        try
        {
            Report();
        }
        catch (Exception e)
        {
            // Never into the application, and on a pool thread nothing else would catch it.
            try
            {
                Log.WorkerFailed(logger, e.GetType().Name, e);
            }
            catch (Exception)
            {
                // The logger itself failed: nowhere left to report.
            }
        }
    }

    internal void Report()
    {
        var own = Lookup(options.Rules);
        if (own is { Enabled: false }) return;
        var severity = own?.Severity ?? RuleSeverity.Warning;

        QueryWatchMetrics.FindingLogged(QW027RepeatedStatement.RuleId);
        var level = Log.LevelOf(severity);
        if (!logger.IsEnabled(level)) return;

        var fingerprint = SqlFingerprint.Compute(sql);
        var tag = FindingReporter.TagText(context.Tag);
        if (tag is not null && !options.LogParameterValues) tag = FindingRedactor.RedactText(tag);
        var redacted = context with { Tag = tag };
        var message = QW027RepeatedStatement.Message(count, context.DbContextType, context.Operation);
        Log.RepeatedStatement(logger, level, severity, fingerprint.IdHex, count, (long)total.TotalMilliseconds, message, fingerprint.Normalized, redacted);
    }

    private static RuleOptions? Lookup(IDictionary<string, RuleOptions> rules)
    {
        if (rules.Count == 0) return null;
        foreach (var (key, value) in rules)
        {
            if (string.Equals(key, QW027RepeatedStatement.RuleId, StringComparison.OrdinalIgnoreCase)
                || string.Equals(key, QW027RepeatedStatement.RuleName, StringComparison.OrdinalIgnoreCase))
                return value;
        }
        return null;
    }
}
