using System.Text;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>The EXPLAIN the worker sends: its options, and the statement's text when no parameter is bound.</summary>
internal static class ExplainText
{
    /// <summary>EXPLAIN (GENERIC_PLAN) arrived in PostgreSQL 16 (https://www.postgresql.org/docs/16/sql-explain.html).</summary>
    public static bool SupportsGenericPlan(Version serverVersion) => serverVersion.Major >= 16;

    /// <summary>
    /// The EXPLAIN before the statement. GENERIC_PLAN plans without parameter values and cannot be
    /// combined with ANALYZE, which would need them.
    /// </summary>
    public static string Prefix(bool analyze, bool genericPlan) => (analyze, genericPlan) switch
    {
        (_, true) => "EXPLAIN (GENERIC_PLAN, FORMAT JSON, VERBOSE, SETTINGS)\n",
        (true, false) => "EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS, ANALYZE, BUFFERS)\n",
        _ => "EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS)\n",
    };

    /// <summary>
    /// <paramref name="sql"/> with each named placeholder of a captured parameter (<c>@p0</c>,
    /// <c>:p0</c>) replaced by <c>$n</c>, numbered by first appearance, for GENERIC_PLAN. Npgsql only
    /// rewrites names it has parameters for, and no value is sent; <c>$n</c> and everything else stay.
    /// </summary>
    public static string WithPositionalPlaceholders(string sql, IReadOnlyList<CapturedParameter> parameters)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            if (CommandCapture.IsSent(parameter) && parameter.Name.Length > 0) names.Add(parameter.Name.TrimStart('@', ':'));
        }

        if (names.Count == 0) return sql;
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var builder = new StringBuilder(sql.Length);
        var copied = 0;
        foreach (var token in SqlLexer.Tokenize(sql))
        {
            if (token.Kind != SqlTokenKind.Parameter || sql[token.Start] is not ('@' or ':')) continue;
            var name = sql.Substring(token.Start + 1, token.Length - 1);
            if (!names.Contains(name)) continue;
            if (!numbers.TryGetValue(name, out var number)) numbers[name] = number = numbers.Count + 1;
            builder.Append(sql, copied, token.Start - copied).Append('$').Append(number);
            copied = token.End;
        }

        return builder.Append(sql, copied, sql.Length - copied).ToString();
    }
}
