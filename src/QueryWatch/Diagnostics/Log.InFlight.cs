using Microsoft.Extensions.Logging;

namespace QueryWatch.Diagnostics;

/// <summary>Live sampling of commands still running past the threshold (issue #11).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = QueryWatchEventId.InFlightNotSampled, Level = LogLevel.Information,
        Message = "Commands of this context are not sampled while they run: {Reason}")]
    public static partial void InFlightNotSampled(ILogger logger, string reason);

    [LoggerMessage(EventId = QueryWatchEventId.InFlightSamplerUnavailable, Level = LogLevel.Warning,
        Message = "QueryWatch's live sampler cannot read pg_stat_activity ({ExceptionType}: {Reason}); retrying in {BackoffSeconds} s, running commands meanwhile go unsampled")]
    public static partial void InFlightSamplerUnavailable(ILogger logger, string exceptionType, string reason, double backoffSeconds);

    [LoggerMessage(EventId = QueryWatchEventId.InFlightSampled, Level = LogLevel.Trace,
        Message = "Sampled {SampledCount} of {DueCount} commands running past the threshold")]
    public static partial void InFlightSampled(ILogger logger, int dueCount, int sampledCount);
}
