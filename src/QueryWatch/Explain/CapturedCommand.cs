using System.Diagnostics;
using QueryWatch.Rewrites;
using QueryWatch.Rules;

namespace QueryWatch.Explain;

/// <summary>A command the interceptor kept for the explain worker: everything needed to EXPLAIN it later, elsewhere.</summary>
/// <param name="Sql">The command text exactly as sent, EF's <c>TagWith</c> comments included.</param>
/// <param name="Parameters">The parameters, values copied at capture time.</param>
/// <param name="Outcome">Why it was captured.</param>
/// <param name="Duration">How long it ran (for a query: until its reader was disposed).</param>
/// <param name="CommandSource">EF's <c>CommandSource</c> by name (LinqQuery, SaveChanges, FromSqlQuery...), or null outside EF.</param>
/// <param name="Tag">The <c>TagWith</c> text (the leading <c>--</c> comment lines), or null.</param>
/// <param name="ActivityContext">The trace the command ran in, to link the explain span to.</param>
/// <param name="CapturedAt">When the command ended.</param>
/// <param name="Rewrites">The capturing interceptor's rewrite settings when rewrites are not Off: the worker then proposes, verifies and books them.</param>
internal sealed record CapturedCommand(
    string Sql,
    IReadOnlyList<CapturedParameter> Parameters,
    CommandOutcome Outcome,
    TimeSpan Duration,
    string? CommandSource,
    string? Tag,
    ActivityContext ActivityContext,
    DateTimeOffset CapturedAt,
    RewriteSettings? Rewrites = null)
{
    /// <summary>Samples of the command's backend taken while it ran (live sampling); empty when none were taken.</summary>
    public IReadOnlyList<ActivitySample> Samples { get; init; } = [];

    /// <summary>The run as the rules weigh it: its duration, whether it finished, and its samples.</summary>
    public ObservedRun Observed => new(Duration, Outcome is CommandOutcome.Slow or CommandOutcome.Failed, Samples);

    /// <summary>
    /// What this capture holds while queued, in bytes (SQL text and kept parameter values), counted
    /// against <see cref="QueryWatchOptions.MaxQueuedBytes"/>; set by <see cref="CommandCapture.Snapshot"/>.
    /// </summary>
    public long RetainedBytes { get; init; }
}
