using Microsoft.Extensions.Logging;

namespace QueryWatch.Diagnostics;

/// <summary>Events of the rule engine's own health (issue #18 part 4).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = QueryWatchEventId.RuleFailed, Level = LogLevel.Warning,
        Message = "Rule {RuleId} {RuleName} threw {ExceptionType} on the plan of command {Fingerprint}; its findings are missing from that plan. Logged once per rule; the querywatch.rules.failed counter counts each failure")]
    public static partial void RuleFailed(ILogger logger, string ruleId, string ruleName, string fingerprint, string exceptionType);
}
