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

    /// <summary>The worker verified a rewrite out of band; the next executions are sent rewritten.</summary>
    public const int RewriteVerified = 4002;

    /// <summary>The worker found a rewrite unsafe or no cheaper; the original keeps running.</summary>
    public const int RewriteRejected = 4003;

    /// <summary>A command was sent rewritten (logged once per statement shape).</summary>
    public const int RewriteApplied = 4004;

    /// <summary>A property's value, or an empty string when the event has none.</summary>
    public string this[string name] => Properties.TryGetValue(name, out var value) ? value : "";
}
