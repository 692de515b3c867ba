using Microsoft.Extensions.Logging;

namespace QueryWatch.Samples.Incidents.Logging;

/// <summary>One event QueryWatch logged, with its structured properties as the logger received them.</summary>
internal sealed record RecordedEvent(long Sequence, int EventId, LogLevel Level, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>QueryWatch's finding event (QueryWatchEventId.Finding): one per rule that fired on a plan.</summary>
    public const int Finding = 3001;

    /// <summary>A cancelled command's plan raised no rule: QueryWatch names its most expensive node instead.</summary>
    public const int MostExpensiveNode = 3002;

    /// <summary>The worker explained one statement of a captured command (Debug level).</summary>
    public const int ExplainCompleted = 2005;

    /// <summary>The worker's EXPLAIN failed.</summary>
    public const int ExplainFailed = 2001;

    /// <summary>A property's value, or an empty string when the event has none.</summary>
    public string this[string name] => Properties.TryGetValue(name, out var value) ? value : "";
}
