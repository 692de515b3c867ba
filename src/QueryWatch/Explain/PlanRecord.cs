using QueryWatch.Plans;

namespace QueryWatch.Explain;

/// <summary>One statement's last recorded plan (issue #15).</summary>
/// <param name="Fingerprint">The statement's fingerprint id.</param>
/// <param name="ShapeHash">The plan's <see cref="PlanShape.Hash"/>.</param>
/// <param name="Shape">The plan's <see cref="PlanShape.Skeleton"/>: no condition text, so no literal.</param>
/// <param name="FirstSeen">When a run with this shape was first recorded.</param>
/// <param name="LastSeen">When the last one was.</param>
/// <param name="Durations">The durations of its last runs, oldest first (at most <see cref="InMemoryPlanHistory.DurationsKept"/>).</param>
internal sealed record PlanRecord(ulong Fingerprint, ulong ShapeHash, Plan Shape, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, IReadOnlyList<TimeSpan> Durations);
