namespace QueryWatch.Rules;

/// <summary>
/// One index QueryWatch proposes: key columns (or expressions) in the order a B-tree wants them,
/// optional INCLUDE columns and an optional partial-index predicate.
/// </summary>
internal sealed record IndexAdvice(string Table, IReadOnlyList<string> Keys, IReadOnlyList<string> Include, string? Where)
{
    /// <summary>What a user runs: <c>CREATE INDEX CONCURRENTLY ON t (a, b) [INCLUDE (c)] [WHERE …]</c>, so the table stays writable while it builds.</summary>
    public string Ddl => Build("CREATE INDEX CONCURRENTLY ON ");

    /// <summary>The same index for <c>hypopg_create_index</c>, which rejects CONCURRENTLY.</summary>
    public string HypotheticalDdl => Build("CREATE INDEX ON ");

    private string Build(string head)
    {
        var sql = head + Table + " (" + string.Join(", ", Keys) + ")";
        if (Include.Count > 0) sql += " INCLUDE (" + string.Join(", ", Include) + ")";
        return Where is null ? sql : sql + " WHERE " + Where;
    }

    /// <summary>The hypopg form of a DDL string this record printed (CONCURRENTLY removed); other text is returned unchanged.</summary>
    public static string ToHypothetical(string ddl) =>
        ddl.StartsWith("CREATE INDEX CONCURRENTLY ON ", StringComparison.OrdinalIgnoreCase)
            ? "CREATE INDEX ON " + ddl["CREATE INDEX CONCURRENTLY ON ".Length..]
            : ddl;
}
