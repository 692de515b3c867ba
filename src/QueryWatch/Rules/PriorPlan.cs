using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>
/// The plan last recorded for a statement before this run (issue #15: a baseline or an earlier capture),
/// as QW026 plan-changed weighs it against the plan of the command that just ran.
/// </summary>
/// <param name="Shape">The recorded plan's shape: node types, relations, indexes, estimated rows (<see cref="PlanShape.Skeleton"/>).</param>
/// <param name="ShapeHash">Its <see cref="PlanShape.Hash"/>.</param>
/// <param name="LastSeen">When a command last ran with it.</param>
/// <param name="Durations">How long the commands that ran with it took, oldest first (at most a few).</param>
internal sealed record PriorPlan(Plan Shape, ulong ShapeHash, DateTimeOffset LastSeen, IReadOnlyList<TimeSpan> Durations)
{
    /// <summary>
    /// Indexes the prior plan used that the server no longer has, when the caller could ask it (the
    /// worker does, from <c>pg_class</c>); null when unknown.
    /// </summary>
    public IReadOnlyCollection<string>? DroppedIndexes { get; init; }

    /// <summary>The moment the command this is weighed against ran; the rule says how long ago <see cref="LastSeen"/> was.</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;
}
