using Microsoft.Extensions.Logging;
using QueryWatch.Rules;

namespace QueryWatch.Diagnostics;

/// <summary>
/// Every message QueryWatch logs, under the <c>QueryWatch</c> category. Arguments become structured
/// properties; property names are a contract (DESIGN.md). No parameter value or literal is ever an
/// argument unless the user set <see cref="QueryWatchOptions.LogParameterValues"/>.
/// </summary>
internal static partial class Log
{
    /// <summary>The logger category all QueryWatch events use.</summary>
    public const string Category = "QueryWatch";

    [LoggerMessage(EventId = QueryWatchEventId.CaptureFailed, Level = LogLevel.Warning,
        Message = "QueryWatch could not capture a command and will not report this failure again; the application's command was not affected ({ExceptionType})")]
    public static partial void CaptureFailed(ILogger logger, string exceptionType, Exception exception);

    [LoggerMessage(EventId = QueryWatchEventId.CaptureDropped, Level = LogLevel.Warning,
        Message = "QueryWatch's explain queue is full ({QueueCapacity}); captured commands are dropped and counted on querywatch.queue.dropped until it drains")]
    public static partial void CaptureDropped(ILogger logger, int queueCapacity);

    [LoggerMessage(EventId = QueryWatchEventId.CaptureIgnoredByTag, Level = LogLevel.Debug,
        Message = "Command {Fingerprint} took {DurationMs} ms but is tagged querywatch:ignore")]
    public static partial void CaptureIgnoredByTag(ILogger logger, string fingerprint, long durationMs);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainFailed, Level = LogLevel.Warning,
        Message = "EXPLAIN of command {Fingerprint} failed ({SqlState}): {Reason}")]
    public static partial void ExplainFailed(ILogger logger, string fingerprint, string sqlState, string reason);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainUnavailable,
        Message = "QueryWatch cannot explain on its connection ({Reason}); it tries again in {BackoffSeconds} s, and captures older than {MaxCaptureAgeSeconds} s by then are dropped and counted")]
    public static partial void ExplainUnavailable(ILogger logger, LogLevel level, string reason, double backoffSeconds, double maxCaptureAgeSeconds);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainAnalyzeRefused, Level = LogLevel.Information,
        Message = "EXPLAIN ANALYZE of command {Fingerprint} was refused in a read-only transaction ({SqlState}); explained without ANALYZE")]
    public static partial void ExplainAnalyzeRefused(ILogger logger, string fingerprint, string sqlState);

    [LoggerMessage(EventId = QueryWatchEventId.AdviceUnavailable, Level = LogLevel.Debug,
        Message = "Command {Fingerprint}: {Step} was skipped ({Reason}); its findings are logged without it")]
    public static partial void AdviceUnavailable(ILogger logger, string fingerprint, string step, string reason);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainStatementSkipped, Level = LogLevel.Debug,
        Message = "Statement {StatementIndex} of command {Fingerprint} is {StatementKind}, which EXPLAIN cannot take; skipped")]
    public static partial void ExplainStatementSkipped(ILogger logger, string fingerprint, int statementIndex, string statementKind);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainCompleted, Level = LogLevel.Debug,
        Message = "Explained command {Fingerprint} ({Outcome}, {DurationMs} ms): statement {StatementIndex}, analyze {Analyze}, {FindingCount} findings, query id {QueryId}, in {ExplainMs} ms")]
    public static partial void ExplainCompleted(ILogger logger, string fingerprint, string outcome, long durationMs, int statementIndex, bool analyze, int findingCount, string? queryId, long explainMs);

    [LoggerMessage(EventId = QueryWatchEventId.WorkerFailed, Level = LogLevel.Error,
        Message = "QueryWatch's explain worker hit an unexpected error and carries on ({ExceptionType})")]
    public static partial void WorkerFailed(ILogger logger, string exceptionType, Exception exception);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainRateLimited, Level = LogLevel.Debug,
        Message = "Command {Fingerprint} was not explained: {MaxExplainsPerMinute} explains per minute reached")]
    public static partial void ExplainRateLimited(ILogger logger, string fingerprint, int maxExplainsPerMinute);

    [LoggerMessage(EventId = QueryWatchEventId.Finding,
        Message = "{RuleId} {RuleName} ({Severity}, {Basis}) in {Outcome} command {Fingerprint} ({DurationMs} ms, query id {QueryId}) at {Node}: {Message} Fix: {Suggestion} SQL: {Sql}")]
    public static partial void Finding(ILogger logger, LogLevel level, string ruleId, string ruleName, RuleSeverity severity, FindingBasis basis, string fingerprint, string? queryId, long durationMs, string outcome, string node, string message, string suggestion, string sql);

    [LoggerMessage(EventId = QueryWatchEventId.MostExpensiveNode, Level = LogLevel.Warning,
        Message = "{Outcome} command {Fingerprint} ({DurationMs} ms, query id {QueryId}) raised no finding; its most expensive plan node is {Node} ({NodeType}, total cost {TotalCost}). SQL: {Sql}")]
    public static partial void MostExpensiveNode(ILogger logger, string outcome, string fingerprint, long durationMs, string? queryId, string node, string nodeType, double totalCost, string sql);

    [LoggerMessage(EventId = QueryWatchEventId.CommandValues, Level = LogLevel.Information,
        Message = "Command {Fingerprint} as sent: {RawSql} with parameters {Parameters}")]
    public static partial void CommandValues(ILogger logger, string fingerprint, string rawSql, string parameters);

    [LoggerMessage(EventId = QueryWatchEventId.RewriteSuggested, Level = LogLevel.Information,
        Message = "{RewriteIds} would rewrite command {Fingerprint}: {RewrittenSql} (total cost {OriginalCost} -> {RewrittenCost}, verified {Verified}). SQL: {Sql}")]
    public static partial void RewriteSuggested(ILogger logger, string rewriteIds, string fingerprint, string rewrittenSql, double? originalCost, double? rewrittenCost, bool verified, string sql);

    [LoggerMessage(EventId = QueryWatchEventId.RewriteVerified, Level = LogLevel.Information,
        Message = "{RewriteIds} verified for command {Fingerprint} (total cost {OriginalCost} -> {RewrittenCost}); its next executions are sent as {RewrittenSql}")]
    public static partial void RewriteVerified(ILogger logger, string rewriteIds, string fingerprint, double originalCost, double rewrittenCost, string rewrittenSql);

    [LoggerMessage(EventId = QueryWatchEventId.RewriteRejected, Level = LogLevel.Information,
        Message = "{RewriteIds} not applied to command {Fingerprint}: {Reason} (total cost {OriginalCost} -> {RewrittenCost}); the original keeps running")]
    public static partial void RewriteRejected(ILogger logger, string rewriteIds, string fingerprint, string reason, double? originalCost, double? rewrittenCost);

    [LoggerMessage(EventId = QueryWatchEventId.RewriteApplied, Level = LogLevel.Warning,
        Message = "{RewriteIds} applied: command {Fingerprint} is sent rewritten (total cost {OriginalCost} -> {RewrittenCost}) as {RewrittenSql}; counted on querywatch.rewrites.applied")]
    public static partial void RewriteApplied(ILogger logger, string rewriteIds, string fingerprint, double originalCost, double rewrittenCost, string rewrittenSql);

    [LoggerMessage(EventId = QueryWatchEventId.RewriteTurnedOff, Level = LogLevel.Warning,
        Message = "{RewriteIds} turned off for command {Fingerprint} until the process restarts: the rewritten command failed at the server ({SqlState}: {Reason}); the original runs again")]
    public static partial void RewriteTurnedOff(ILogger logger, string rewriteIds, string fingerprint, string sqlState, string reason);

    /// <summary>The log level a finding of <paramref name="severity"/> is written at.</summary>
    public static LogLevel LevelOf(RuleSeverity severity) => severity switch
    {
        RuleSeverity.Info => LogLevel.Information,
        RuleSeverity.Critical => LogLevel.Error,
        _ => LogLevel.Warning,
    };
}
