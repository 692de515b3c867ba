namespace QueryWatch.Diagnostics;

/// <summary>
/// What a finding's statement costs beyond the one capture (issue #14): pg_stat_statements' completed <c>Calls</c> and
/// <c>TotalTimeMs</c> for its query id, and QueryWatch's own <c>CancelledCount</c> of its cancelled and timed-out
/// executions (from the Store when there is one). Each null when unknown, and then absent from the finding event.
/// </summary>
internal readonly record struct FindingImpact(long? Calls, double? TotalTimeMs, long? CancelledCount);
