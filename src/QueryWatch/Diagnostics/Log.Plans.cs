using Microsoft.Extensions.Logging;

namespace QueryWatch.Diagnostics;

/// <summary>Events of plan history: baselines (issue #15).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = QueryWatchEventId.BaselineRecorded, Level = LogLevel.Debug,
        Message = "Baseline plan of statement {Fingerprint} recorded: shape {ShapeHash}, the command took {DurationMs} ms")]
    public static partial void BaselineRecorded(ILogger logger, string fingerprint, string shapeHash, long durationMs);
}
