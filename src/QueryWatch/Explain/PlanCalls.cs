using System.Text.Json;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// The functions and operators an estimated VERBOSE plan will call, read from its expressions:
/// views, inlined SQL functions and row-level security are already expanded there, so the plan
/// names what ANALYZE would really run, where the statement's text does not. Anything a scan of
/// the deparsed text cannot tell from a function call still counts as one; the catalog lookup
/// then cannot resolve it, and an unresolved name is treated as volatile (issue #16).
/// </summary>
internal static class PlanCalls
{
    // Plan fields that hold names, never expressions; everything else is scanned.
    private static readonly HashSet<string> s_nameFields = new(StringComparer.Ordinal)
    {
        "Node Type", "Relation Name", "Schema", "Alias", "Index Name", "CTE Name", "Function Name",
        "Subplan Name", "Parent Relationship", "Strategy", "Partial Mode", "Join Type", "Scan Direction",
        "Operation", "Command", "Sort Method", "Sort Space Type", "Settings", "Query Identifier",
    };

    // Words PostgreSQL prints before "(" that are syntax, not a call of a pg_proc function
    // (ruleutils.c deparses them as written: COALESCE(...), ANY (...), count(*) FILTER (WHERE ...)).
    private static readonly HashSet<string> s_syntax = new(StringComparer.Ordinal)
    {
        "coalesce", "nullif", "greatest", "least", "row", "array", "exists", "any", "all", "some", "cast",
        "operator", "filter", "over", "within", "values", "in", "not", "and", "or", "case", "when", "then",
        "else", "end", "is", "distinct", "from", "for", "by", "between", "like", "ilike", "similar", "collate",
        "trim", "treat", "grouping", "xmlelement", "xmlforest", "xmlconcat", "xmlparse", "xmlpi", "xmlroot",
        "xmlserialize", "xmlexists", "xmlattributes", "xmlnamespaces", "json_object", "json_array",
        "json_objectagg", "json_arrayagg", "json", "json_scalar", "json_serialize", "json_query", "json_value",
        "json_exists", "json_table", "current_timestamp", "current_time", "localtime", "localtimestamp",
        "where", "on", "using", "select", "as", "with", "returns", "limit", "offset", "group", "order", "partition",
        "rows", "range", "groups", "lateral", "table", "only", "nulls", "variadic",
    };

    // Words that continue a type name after "::" (character varying(20), timestamp(3) with time zone).
    private static readonly HashSet<string> s_typeContinuations = new(StringComparer.Ordinal)
    {
        "varying", "precision", "with", "without", "time", "zone", "year", "month", "day", "hour", "minute",
        "second", "to",
    };

    /// <summary>Collects the calls of one plan in PostgreSQL's JSON format.</summary>
    public static PlanCallSet Collect(string planJson)
    {
        var set = new PlanCallSet();
        using var document = JsonDocument.Parse(planJson);
        Visit(document.RootElement, set);
        return set;
    }

    private static void Visit(JsonElement element, PlanCallSet set)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!s_nameFields.Contains(property.Name)) Visit(property.Value, set);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Visit(item, set);
                break;
            case JsonValueKind.String:
                Scan(element.GetString() ?? "", set);
                break;
        }
    }

    /// <summary>Adds the function calls and operators of one deparsed expression.</summary>
    public static void Scan(string expression, PlanCallSet set)
    {
        var tokens = new List<SqlToken>();
        foreach (var token in SqlLexer.Tokenize(expression))
        {
            if (!token.IsTrivia) tokens.Add(token);
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            switch (token.Kind)
            {
                case SqlTokenKind.Operator:
                    set.Operators.Add(expression.Substring(token.Start, token.Length));
                    break;
                case SqlTokenKind.Cast:
                    i = SkipType(expression, tokens, i + 1) - 1;
                    break;
                case SqlTokenKind.Identifier or SqlTokenKind.Keyword or SqlTokenKind.QuotedIdentifier
                    when i + 1 < tokens.Count && IsOpenParen(expression, tokens[i + 1]):
                    var name = NameOf(expression, token);
                    var quoted = token.Kind == SqlTokenKind.QuotedIdentifier;
                    var schema = i >= 2 && IsDot(expression, tokens[i - 1]) && IsName(tokens[i - 2]) ? NameOf(expression, tokens[i - 2]) : "";
                    if (quoted || schema.Length > 0 || !s_syntax.Contains(name)) set.Functions.Add((schema, name));
                    break;
            }
        }
    }

    /// <summary>The index of the first token after a type name that starts at <paramref name="i"/>.</summary>
    private static int SkipType(string text, List<SqlToken> tokens, int i)
    {
        // schema-qualified or quoted name
        while (i < tokens.Count && IsName(tokens[i]))
        {
            i++;
            if (i + 1 < tokens.Count && IsDot(text, tokens[i]) && IsName(tokens[i + 1])) i++;
            else break;
        }

        i = SkipParens(text, tokens, i);
        while (i < tokens.Count && tokens[i].IsWord && s_typeContinuations.Contains(NameOf(text, tokens[i])))
        {
            i = SkipParens(text, tokens, i + 1);
        }

        while (i + 1 < tokens.Count && Is(text, tokens[i], '[') && Is(text, tokens[i + 1], ']')) i += 2;
        return i;
    }

    private static int SkipParens(string text, List<SqlToken> tokens, int i)
    {
        if (i >= tokens.Count || !IsOpenParen(text, tokens[i])) return i;
        var depth = 0;
        for (; i < tokens.Count; i++)
        {
            if (Is(text, tokens[i], '(')) depth++;
            else if (Is(text, tokens[i], ')') && --depth == 0) return i + 1;
        }

        return i;
    }

    private static bool IsName(SqlToken token) => token.Kind is SqlTokenKind.Identifier or SqlTokenKind.Keyword or SqlTokenKind.QuotedIdentifier;

    private static bool IsOpenParen(string text, SqlToken token) => Is(text, token, '(');

    private static bool IsDot(string text, SqlToken token) => Is(text, token, '.');

    private static bool Is(string text, SqlToken token, char c) => token.Kind == SqlTokenKind.Punctuation && text[token.Start] == c;

    /// <summary>The name as PostgreSQL stores it: unquoted words fold to lower case, quoted ones keep theirs.</summary>
    private static string NameOf(string text, SqlToken token)
    {
        var raw = text.Substring(token.Start, token.Length);
        if (token.Kind != SqlTokenKind.QuotedIdentifier) return raw.ToLowerInvariant();
        var inner = raw.Length >= 2 && raw[^1] == '"' ? raw[1..^1] : raw[1..];
        return inner.Replace("\"\"", "\"", StringComparison.Ordinal);
    }
}

/// <summary>What <see cref="PlanCalls"/> found: functions as (schema or empty, name), operators by name.</summary>
internal sealed class PlanCallSet
{
    public HashSet<(string Schema, string Name)> Functions { get; } = [];

    public HashSet<string> Operators { get; } = new(StringComparer.Ordinal);
}
