namespace QueryWatch.Explain;

/// <summary>What pg_stat_statements counted for one query id in the current database, summed over its users: completed executions only.</summary>
internal readonly record struct StatementStatistics(long Calls, double TotalTimeMs, double MeanTimeMs);
