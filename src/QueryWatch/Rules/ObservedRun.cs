namespace QueryWatch.Rules;

/// <summary>
/// What is known of the execution a plan belongs to, beyond the plan itself: how long the command
/// ran, whether it finished, and what live sampling saw while it ran. The CLI builds one from
/// <c>--duration</c>/<c>--outcome</c>; the worker from the captured command.
/// </summary>
/// <param name="Duration">How long the command ran, or ran before it was cancelled.</param>
/// <param name="Finished">False for a command that was cancelled or timed out: it would have run longer.</param>
/// <param name="Samples">Samples of the command's backend taken while it ran, oldest first; empty when none were taken.</param>
internal sealed record ObservedRun(TimeSpan Duration, bool Finished, IReadOnlyList<ActivitySample> Samples)
{
    /// <summary>A run known only by its duration and outcome.</summary>
    public static ObservedRun Of(TimeSpan duration, bool finished) => new(duration, finished, []);

    /// <summary>
    /// Milliseconds per unit of planner cost on this server: the median learned from the ANALYZE'd plans
    /// this process has seen on the same connection string, else <see cref="DefaultMsPerCostUnit"/>.
    /// Turns a plan's cost into the time it predicts.
    /// </summary>
    public double MsPerCostUnit { get; init; } = DefaultMsPerCostUnit;

    /// <summary>The plan recorded for this statement before this run (issue #15), when there is one: QW026 compares the two.</summary>
    public PriorPlan? Prior { get; init; }

    /// <summary>
    /// 0.01 ms per cost unit: with the default cost settings a sequential page read costs 1, and a page
    /// read from cache takes about 0.01 ms; what a cold or busy server takes is what the learned factor is for.
    /// </summary>
    public const double DefaultMsPerCostUnit = 0.01;
}
