using System.Collections.Frozen;

namespace QueryWatch.Sql;

/// <summary>
/// The words the lexer reports as <see cref="SqlTokenKind.Keyword"/> (and the fingerprint
/// upper-cases): PostgreSQL's reserved words plus the clause words EF Core emits. Type and
/// function names stay identifiers, as do unreserved words often used as column names
/// (<c>name</c>, <c>type</c>, <c>value</c>...). Case-insensitive; ASCII only, as PostgreSQL folds.
/// See https://www.postgresql.org/docs/current/sql-keywords-appendix.html.
/// </summary>
internal static class SqlKeywords
{
    private const int LongestKeyword = 17;

    private static readonly FrozenSet<string> Words = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "ALL", "ALTER", "ANALYSE", "ANALYZE", "AND", "ANY", "ARRAY", "AS", "ASC", "ASYMMETRIC", "ATOMIC",
        "BEGIN", "BETWEEN", "BOTH", "BY", "CALL", "CASCADE", "CASE", "CAST", "CHECK", "COALESCE", "COLLATE",
        "COLUMN", "COMMIT", "CONFLICT", "CONSTRAINT", "COPY", "CREATE", "CROSS", "CURRENT", "CURRENT_CATALOG",
        "CURRENT_DATE", "CURRENT_ROLE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "DEFAULT",
        "DEFERRABLE", "DELETE", "DESC", "DISTINCT", "DO", "DROP", "ELSE", "END", "ESCAPE", "EXCEPT", "EXISTS",
        "EXPLAIN", "EXTRACT", "FALSE", "FETCH", "FILTER", "FIRST", "FOLLOWING", "FOR", "FOREIGN", "FROM",
        "FULL", "FUNCTION", "GRANT", "GREATEST", "GROUP", "GROUPS", "HAVING", "IF", "ILIKE", "IN", "INDEX",
        "INITIALLY", "INNER", "INSERT", "INTERSECT", "INTO", "IS", "ISNULL", "JOIN", "KEY", "LAST", "LATERAL",
        "LEADING", "LEAST", "LEFT", "LIKE", "LIMIT", "LOCALTIME", "LOCALTIMESTAMP", "LOCK", "LOCKED",
        "MATCHED", "MATERIALIZED", "MERGE", "NATURAL", "NO", "NOT", "NOTHING", "NOTNULL", "NOWAIT", "NULL",
        "NULLIF", "NULLS", "OF", "OFFSET", "ON", "ONLY", "OR", "ORDER", "ORDINALITY", "OUTER", "OVER",
        "OVERLAPS", "PARTITION", "PLACING", "PRECEDING", "PRIMARY", "PROCEDURE", "RANGE", "RECURSIVE",
        "REFERENCES", "REPLACE", "RETURNING", "RETURNS", "RIGHT", "ROLLBACK", "ROW", "ROWS", "SELECT",
        "SESSION_USER", "SET", "SHARE", "SIMILAR", "SKIP", "SOME", "SYMMETRIC", "TABLE", "TABLESAMPLE",
        "THEN", "TIES", "TO", "TRAILING", "TRIGGER", "TRUE", "TRUNCATE", "UESCAPE", "UNBOUNDED", "UNION",
        "UNIQUE", "UPDATE", "USER", "USING", "VACUUM", "VALUES", "VARIADIC", "VIEW", "WHEN", "WHERE",
        "WINDOW", "WITH", "WITHIN");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Words.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>True when <paramref name="word"/> is a keyword, in any letter case.</summary>
    public static bool IsKeyword(ReadOnlySpan<char> word) =>
        word.Length is > 1 and <= LongestKeyword && Lookup.Contains(word);

    /// <summary>Case-insensitive ASCII comparison of a word with an upper-case keyword.</summary>
    public static bool Is(ReadOnlySpan<char> word, string keyword) =>
        word.Equals(keyword, StringComparison.OrdinalIgnoreCase);
}
