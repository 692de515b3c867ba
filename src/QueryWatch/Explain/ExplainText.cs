using System.Text;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>The EXPLAIN the worker sends: its options, and the statement's text when no parameter is bound.</summary>
internal static class ExplainText
{
    /// <summary>The prepared statement a generic plan is explained through; DISCARD ALL deallocates it.</summary>
    public const string GenericStatementName = "querywatch_generic";

    /// <summary>
    /// True when the server can be made to plan without parameter values: <c>plan_cache_mode</c>
    /// arrived in PostgreSQL 12. (EXPLAIN (GENERIC_PLAN), new in 16, cannot be used: Npgsql sends every
    /// command through the extended protocol, whose Bind must then supply the very values that are
    /// missing: "bind message supplies 0 parameters, but prepared statement requires 1".)
    /// </summary>
    public static bool SupportsGenericPlan(Version serverVersion) => serverVersion.Major >= 12;

    /// <summary>The EXPLAIN before the statement.</summary>
    public static string Prefix(bool analyze) => analyze
        ? "EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS, ANALYZE, BUFFERS)\n"
        : "EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS)\n";

    /// <summary>
    /// The two commands that explain <paramref name="sql"/> without its parameter values: a PREPARE
    /// (typed where the capture knows the type) and an EXPLAIN EXECUTE with a NULL per parameter,
    /// sent with <c>plan_cache_mode = force_generic_plan</c> so the NULLs never shape the plan
    /// (https://www.postgresql.org/docs/current/sql-prepare.html). No ANALYZE: it would run on NULLs.
    /// </summary>
    public static (string Prepare, string Explain) GenericPlan(string sql, IReadOnlyList<CapturedParameter> parameters)
    {
        var (text, order) = Positional(sql, parameters);
        var count = 0;
        foreach (var token in SqlLexer.Tokenize(text))
        {
            if (token.Kind == SqlTokenKind.Parameter && text[token.Start] == '$'
                && int.TryParse(text.AsSpan(token.Start + 1, token.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                count = Math.Max(count, n);
        }

        if (count == 0) return ($"PREPARE {GenericStatementName} AS\n{text}", $"{Prefix(analyze: false)}EXECUTE {GenericStatementName}");
        var types = new string[count];
        var nulls = new string[count];
        for (var i = 0; i < count; i++)
        {
            types[i] = i < order.Count ? TypeNameOf(order[i]) : "unknown";
            nulls[i] = "NULL";
        }

        return ($"PREPARE {GenericStatementName} ({string.Join(", ", types)}) AS\n{text}",
            $"{Prefix(analyze: false)}EXECUTE {GenericStatementName} ({string.Join(", ", nulls)})");
    }

    /// <summary>PostgreSQL's name for the captured parameter's type, or <c>unknown</c> to let PREPARE infer it.</summary>
    private static string TypeNameOf(CapturedParameter parameter)
    {
        var name = parameter.DataTypeName;
        if (string.IsNullOrEmpty(name) && parameter.NpgsqlDbType is { } type && type != NpgsqlTypes.NpgsqlDbType.Unknown)
        {
            try
            {
                name = new Npgsql.NpgsqlParameter { NpgsqlDbType = type }.DataTypeName;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
            {
                name = null;
            }
        }

        // A type name goes into the PREPARE's text: only what a type name can hold.
        if (string.IsNullOrEmpty(name)) return "unknown";
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or ' ' or '.' or '"' or '[' or ']' or '(' or ')' or ',')) return "unknown";
        }

        return name;
    }

    /// <summary>
    /// <paramref name="sql"/> with each named placeholder of a captured parameter (<c>@p0</c>,
    /// <c>:p0</c>) replaced by <c>$n</c>, numbered by first appearance, for a PREPARE. Npgsql only
    /// rewrites names it has parameters for, and no value is sent; <c>$n</c> and everything else stay.
    /// </summary>
    public static string WithPositionalPlaceholders(string sql, IReadOnlyList<CapturedParameter> parameters) => Positional(sql, parameters).Sql;

    /// <summary>The text with <c>$n</c> placeholders, and the captured parameter each <c>$n</c> stands for, in order.</summary>
    private static (string Sql, List<CapturedParameter> Order) Positional(string sql, IReadOnlyList<CapturedParameter> parameters)
    {
        var names = new Dictionary<string, CapturedParameter>(StringComparer.Ordinal);
        var sent = new List<CapturedParameter>();
        foreach (var parameter in parameters)
        {
            if (!CommandCapture.IsSent(parameter)) continue;
            sent.Add(parameter);
            if (parameter.Name.Length > 0) names.TryAdd(parameter.Name.TrimStart('@', ':'), parameter);
        }

        // Positional parameters ($1, $2...) are bound in collection order.
        if (names.Count == 0) return (sql, sent);
        var order = new List<CapturedParameter>();
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var builder = new StringBuilder(sql.Length);
        var copied = 0;
        foreach (var token in SqlLexer.Tokenize(sql))
        {
            if (token.Kind != SqlTokenKind.Parameter || sql[token.Start] is not ('@' or ':')) continue;
            var name = sql.Substring(token.Start + 1, token.Length - 1);
            if (!names.TryGetValue(name, out var parameter)) continue;
            if (!numbers.TryGetValue(name, out var number))
            {
                numbers[name] = number = numbers.Count + 1;
                order.Add(parameter);
            }

            builder.Append(sql, copied, token.Start - copied).Append('$').Append(number);
            copied = token.End;
        }

        return (builder.Append(sql, copied, sql.Length - copied).ToString(), order);
    }
}
