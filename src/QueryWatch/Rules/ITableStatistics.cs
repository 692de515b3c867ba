namespace QueryWatch.Rules;

/// <summary>
/// What the server says about a table's statistics (<c>pg_stat_user_tables</c>), for the rules that
/// can only guess from the plan. Optional: rules work without it and say less. The explain worker
/// and the CLI fill it when they hold a connection (<see cref="Explain.TableStatisticsReader"/>).
/// </summary>
internal interface ITableStatistics
{
    /// <summary>The table's figures, or null when unknown; <paramref name="schema"/> is null when the plan does not name it (no VERBOSE).</summary>
    TableStatistics? Find(string? schema, string table);
}
