using Microsoft.Extensions.Logging;

namespace QueryWatch.Diagnostics;

/// <summary>What the worker does to keep an EXPLAIN from acting outside it (issues #16 and #11).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = QueryWatchEventId.ExplainAnalyzeSkippedForVolatileFunctions, Level = LogLevel.Information,
        Message = "EXPLAIN ANALYZE of command {Fingerprint} was not run: its plan calls {VolatileFunctions}, which can act outside the rolled-back transaction; explained without ANALYZE")]
    public static partial void ExplainAnalyzeSkippedForVolatileFunctions(ILogger logger, string fingerprint, string volatileFunctions);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainGenericPlan, Level = LogLevel.Debug,
        Message = "Command {Fingerprint}: {UnboundCount} captured parameters cannot be bound again; explained as a generic plan (PREPARE, plan_cache_mode = force_generic_plan) on PostgreSQL {ServerVersion}")]
    public static partial void ExplainGenericPlan(ILogger logger, string fingerprint, int unboundCount, string serverVersion);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainParametersUnbound, Level = LogLevel.Information,
        Message = "Command {Fingerprint} was not explained: {UnboundCount} captured parameters cannot be bound again and PostgreSQL {ServerVersion} cannot plan without them (plan_cache_mode needs 12 or later)")]
    public static partial void ExplainParametersUnbound(ILogger logger, string fingerprint, int unboundCount, string serverVersion);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainSessionResetFailed, Level = LogLevel.Debug,
        Message = "QueryWatch could not reset its explain session ({Reason}); the connection is closed instead of going back to the pool")]
    public static partial void ExplainSessionResetFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = QueryWatchEventId.WorkerStopAbandoned, Level = LogLevel.Warning,
        Message = "QueryWatch's explain worker did not stop within {StopTimeoutSeconds} s (a server call is not answering); it was abandoned and its connections closed")]
    public static partial void WorkerStopAbandoned(ILogger logger, double stopTimeoutSeconds);
}
