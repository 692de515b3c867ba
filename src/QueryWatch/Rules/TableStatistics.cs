namespace QueryWatch.Rules;

/// <summary>
/// One row of <c>pg_stat_user_tables</c>, as far as rules care: live rows, rows modified since the
/// last ANALYZE (manual or autovacuum's) and how long ago that was (null: never analyzed).
/// </summary>
internal sealed record TableStatistics(string Schema, string Table, long LiveRows, long ModifiedSinceAnalyze, TimeSpan? SinceLastAnalyze);
