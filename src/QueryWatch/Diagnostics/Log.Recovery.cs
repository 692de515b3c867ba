using Microsoft.Extensions.Logging;

namespace QueryWatch.Diagnostics;

/// <summary>Messages of the worker's fault paths: outages, refusals, stale and oversized captures, a stopped host (issue #16).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = QueryWatchEventId.CaptureAfterStop, Level = LogLevel.Information,
        Message = "A command was captured after QueryWatch's host stopped; it and later ones are dropped and counted on querywatch.queue.dropped (reason stopped)")]
    public static partial void CaptureAfterStop(ILogger logger);

    [LoggerMessage(EventId = QueryWatchEventId.CaptureOverByteBudget, Level = LogLevel.Warning,
        Message = "QueryWatch's explain queue holds {QueuedBytes} bytes of captures, its budget is {MaxQueuedBytes}; captures are dropped and counted on querywatch.queue.dropped (reason bytes) until it drains")]
    public static partial void CaptureOverByteBudget(ILogger logger, long queuedBytes, long maxQueuedBytes);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainRecovered, Level = LogLevel.Information,
        Message = "QueryWatch explains again after {OutageSeconds} s without its server ({FailedAttempts} failed attempts)")]
    public static partial void ExplainRecovered(ILogger logger, double outageSeconds, int failedAttempts);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainRefused,
        Message = "EXPLAIN of command {Fingerprint} was refused ({SqlState}): role {Role} lacks a privilege on {ObjectKind} {ObjectName}; {Grant} would allow it. QueryWatch tries again in {BackoffSeconds} s")]
    public static partial void ExplainRefused(ILogger logger, LogLevel level, string fingerprint, string sqlState, string role, string objectKind, string objectName, string grant, double backoffSeconds);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainSkippedSessionLocal, Level = LogLevel.Debug,
        Message = "Command {Fingerprint} reads a temporary table of the application's session ({SqlState}), which QueryWatch's own session cannot see; not explained")]
    public static partial void ExplainSkippedSessionLocal(ILogger logger, string fingerprint, string sqlState);

    [LoggerMessage(EventId = QueryWatchEventId.StaleCapturesDropped, Level = LogLevel.Information,
        Message = "{Count} captured commands older than {MaxCaptureAgeSeconds} s were dropped unexplained and counted on querywatch.queue.dropped (reason stale)")]
    public static partial void StaleCapturesDropped(ILogger logger, long count, double maxCaptureAgeSeconds);

    [LoggerMessage(EventId = QueryWatchEventId.ExplainParametersNotKept, Level = LogLevel.Debug,
        Message = "Command {Fingerprint} was not explained: {ParameterCount} of its parameter values were larger than MaxCapturedParameterBytes and kept as type and size only")]
    public static partial void ExplainParametersNotKept(ILogger logger, string fingerprint, int parameterCount);
}
