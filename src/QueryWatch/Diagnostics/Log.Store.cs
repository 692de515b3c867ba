using Microsoft.Extensions.Logging;

namespace QueryWatch.Diagnostics;

/// <summary>Messages of the Store shared by a fleet, and of pg_stat_statements (issue #14).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = QueryWatchEventId.StoreUnavailable,
        Message = "QueryWatch's Store cannot be used ({Reason}); this instance falls back to its own cooldown and tries the Store again in {BackoffSeconds} s. {Fix}")]
    public static partial void StoreUnavailable(ILogger logger, LogLevel level, string reason, double backoffSeconds, string fix);

    [LoggerMessage(EventId = QueryWatchEventId.StoreRecovered, Level = LogLevel.Information,
        Message = "QueryWatch uses its Store again after {OutageSeconds} s ({FailedAttempts} failed attempts)")]
    public static partial void StoreRecovered(ILogger logger, double outageSeconds, int failedAttempts);

    [LoggerMessage(EventId = QueryWatchEventId.StoreSchemaCreated, Level = LogLevel.Information,
        Message = "QueryWatch's Store schema querywatch was upgraded from version {FromVersion} to {ToVersion}")]
    public static partial void StoreSchemaCreated(ILogger logger, int fromVersion, int toVersion);

    [LoggerMessage(EventId = QueryWatchEventId.StoreWritesDropped, Level = LogLevel.Information,
        Message = "{Count} Store writes were dropped: the buffer of {Capacity} was full while the Store was unavailable")]
    public static partial void StoreWritesDropped(ILogger logger, long count, int capacity);

    [LoggerMessage(EventId = QueryWatchEventId.StoreClaimLost, Level = LogLevel.Debug,
        Message = "Command {Fingerprint} is explained by another instance within the cooldown; this capture is only counted")]
    public static partial void StoreClaimLost(ILogger logger, string fingerprint);

    [LoggerMessage(EventId = QueryWatchEventId.StoreWritten, Level = LogLevel.Debug,
        Message = "Wrote {Captures} capture counts, {Findings} findings and {Plans} plan shapes to the Store")]
    public static partial void StoreWritten(ILogger logger, int captures, int findings, int plans);

    [LoggerMessage(EventId = QueryWatchEventId.StatementStatisticsUnavailable,
        Message = "pg_stat_statements is not readable here ({Reason}); findings carry no Calls or TotalTimeMs. {Fix}")]
    public static partial void StatementStatisticsUnavailable(ILogger logger, LogLevel level, string reason, string fix);
}
