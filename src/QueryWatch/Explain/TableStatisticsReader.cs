using Npgsql;
using QueryWatch.Plans;
using QueryWatch.Rules;

namespace QueryWatch.Explain;

/// <summary>
/// Reads <c>pg_stat_user_tables</c> for the relations a plan scans, in one query, into an
/// <see cref="ITableStatistics"/> the rules can use. For the explain worker and the CLI, on a
/// connection of their own; reads catalog views only.
/// </summary>
internal static class TableStatisticsReader
{
    // A plan without VERBOSE names a relation but not its schema: the table the search_path
    // resolves wins (pg_table_is_visible), as it did when the statement was planned.
    private const string Query = """
        SELECT s.schemaname, s.relname, s.n_live_tup, s.n_mod_since_analyze,
               extract(epoch FROM now() - greatest(s.last_analyze, s.last_autoanalyze))::float8,
               pg_catalog.pg_table_is_visible(s.relid)
        FROM pg_catalog.pg_stat_user_tables s
        WHERE s.relname = ANY(@names)
        """;

    /// <summary>The relations scanned in <paramref name="plan"/>, as (schema or null, name).</summary>
    public static IReadOnlyList<(string? Schema, string Table)> RelationsOf(Plan plan)
    {
        var list = new List<(string?, string)>();
        foreach (var node in plan.Nodes)
        {
            if (node.RelationName is { } r && !list.Contains((node.Schema, r))) list.Add((node.Schema, r));
        }
        return list;
    }

    /// <summary>Figures for <paramref name="plan"/>'s relations; tables the view does not know are simply absent.</summary>
    public static async Task<ITableStatistics> ReadAsync(NpgsqlConnection connection, Plan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(plan);
        var names = RelationsOf(plan).Select(r => r.Table).Distinct().ToArray();
        var rows = new List<(TableStatistics Stats, bool Visible)>();
        if (names.Length == 0) return new Snapshot(rows);
        await using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.AddWithValue("names", names);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            TimeSpan? age = reader.IsDBNull(4) ? null : TimeSpan.FromSeconds(reader.GetDouble(4));
            rows.Add((new TableStatistics(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), age), reader.GetBoolean(5)));
        }
        return new Snapshot(rows);
    }

    private sealed class Snapshot(List<(TableStatistics Stats, bool Visible)> rows) : ITableStatistics
    {
        public TableStatistics? Find(string? schema, string table)
        {
            foreach (var (stats, visible) in rows)
            {
                if (stats.Table != table) continue;
                if (schema is null ? visible : stats.Schema == schema) return stats;
            }
            return null;
        }
    }
}
