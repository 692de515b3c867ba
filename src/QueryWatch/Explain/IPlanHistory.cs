using QueryWatch.Plans;

namespace QueryWatch.Explain;

/// <summary>
/// Plan history per statement (issue #15): for each fingerprint, the plan shape last recorded, when it
/// was first and last seen, how long its runs took, and when its last baseline was taken. The explain
/// worker reads it before judging a capture (QW026 plan-changed) and records every plan it explains.
/// <see cref="InMemoryPlanHistory"/> is the process's own; a Store-backed one (a fleet's <c>plans</c>
/// table) implements the same seam, which is why every member is asynchronous.
/// </summary>
internal interface IPlanHistory
{
    /// <summary>The shape last recorded for <paramref name="fingerprint"/>, or null when none is.</summary>
    ValueTask<PlanRecord?> LastAsync(ulong fingerprint, CancellationToken ct);

    /// <summary>When the last baseline of <paramref name="fingerprint"/> was taken, or null.</summary>
    ValueTask<DateTimeOffset?> LastBaselineAsync(ulong fingerprint, CancellationToken ct);

    /// <summary>
    /// Records a run of <paramref name="fingerprint"/> with the plan <paramref name="shape"/> (a
    /// <see cref="PlanShape.Skeleton"/>): a new shape replaces the last one; the same shape adds the duration.
    /// </summary>
    ValueTask RecordAsync(ulong fingerprint, Plan shape, ulong shapeHash, TimeSpan duration, DateTimeOffset at, bool baseline, CancellationToken ct);
}
