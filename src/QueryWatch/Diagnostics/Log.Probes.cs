using Microsoft.Extensions.Logging;

namespace QueryWatch.Diagnostics;

/// <summary>
/// Events of the bounded probes (issue #11 part 4). The probe's own text holds the plan's literals:
/// it appears only normalized (<c>ProbeSql</c>), and a server error only by its SQLSTATE.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = QueryWatchEventId.ProbeMeasured, Level = LogLevel.Debug,
        Message = "Probed the {RuleId} finding of command {Fingerprint}: {Passed} of {Read} rows passed, in {ProbeMs} ms. Probe: {ProbeSql}")]
    public static partial void ProbeMeasured(ILogger logger, string ruleId, string fingerprint, long passed, long read, long probeMs, string probeSql);

    [LoggerMessage(EventId = QueryWatchEventId.ProbeSkipped, Level = LogLevel.Debug,
        Message = "The {RuleId} finding of command {Fingerprint} was not probed ({Reason})")]
    public static partial void ProbeSkipped(ILogger logger, string ruleId, string fingerprint, string reason);

    [LoggerMessage(EventId = QueryWatchEventId.ProbeTimedOut, Level = LogLevel.Information,
        Message = "The probe of the {RuleId} finding of command {Fingerprint} was cut at ProbeTimeout ({ProbeTimeoutMs} ms); the finding is reported without a measured figure")]
    public static partial void ProbeTimedOut(ILogger logger, string ruleId, string fingerprint, long probeTimeoutMs);

    [LoggerMessage(EventId = QueryWatchEventId.ProbeFailed, Level = LogLevel.Debug,
        Message = "The probe of the {RuleId} finding of command {Fingerprint} failed ({Reason}); the finding is reported without a measured figure")]
    public static partial void ProbeFailed(ILogger logger, string ruleId, string fingerprint, string reason);
}
