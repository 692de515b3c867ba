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
}
