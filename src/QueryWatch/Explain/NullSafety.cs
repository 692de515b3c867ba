using Npgsql;

namespace QueryWatch.Explain;

/// <summary>
/// RW004's catalog proof: whether a column is declared NOT NULL (<c>pg_attribute.attnotnull</c>), its
/// table resolved as PostgreSQL resolves the name the statement wrote (<c>to_regclass</c>, with the
/// connection's search_path). Read-only; one short query per column.
/// </summary>
internal static class NullSafety
{
    private const string Query =
        "SELECT a.attnotnull FROM pg_catalog.pg_attribute a "
        + "WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped";

    /// <summary>
    /// Null when every clause of <paramref name="rewrite"/> is NULL-safe: its outer column NOT NULL, and its subquery's
    /// column NOT NULL or excluded by the subquery's own <c>IS NOT NULL</c>; otherwise the first reason it is not.
    /// </summary>
    public static async Task<string?> ProveAsync(NpgsqlConnection connection, QueryWatch.Rewrites.NotInRewrite rewrite, CancellationToken ct)
    {
        foreach (var clause in rewrite.Clauses)
        {
            var outer = await IsNotNullAsync(connection, clause.OuterTable, clause.OuterColumn, ct).ConfigureAwait(false);
            if (outer != true) return Reason(clause.OuterTable, clause.OuterColumn, outer);
            if (clause.InnerExcludesNulls) continue;
            var inner = await IsNotNullAsync(connection, clause.InnerTable, clause.InnerColumn, ct).ConfigureAwait(false);
            if (inner != true) return Reason(clause.InnerTable, clause.InnerColumn, inner);
        }

        return null;
    }

    /// <summary>True when declared NOT NULL, false when nullable, null when the table or column is not found.</summary>
    public static async Task<bool?> IsNotNullAsync(NpgsqlConnection connection, string table, string column, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        command.Parameters.Add(new NpgsqlParameter { Value = column });
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is bool notNull ? notNull : null;
    }

    /// <summary>Why a column does not pass: identifiers only, never a value.</summary>
    public static string Reason(string table, string column, bool? notNull) => notNull is null
        ? "column " + column + " of " + table + " was not found in the catalog, so it cannot be proven NOT NULL"
        : "column " + column + " of " + table + " may be NULL, and NOT IN differs from NOT EXISTS when it is";
}
