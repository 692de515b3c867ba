using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// Decides whether a condition as EXPLAIN VERBOSE deparses it (<c>(p.locked = 0)</c>) may be copied
/// into a probe. It accepts only what PostgreSQL's deparser prints for plain comparisons: columns
/// qualified by an alias the probe reads, literals and their casts, operators, AND/OR/NOT, IS [NOT] NULL,
/// CASE, <c>ANY (array)</c>, <c>$n</c> parameters. Anything else — a function call (a word followed by
/// <c>(</c>), a SubPlan or InitPlan reference, a column of another relation, a comment, a second
/// statement — is refused: a probe that cannot be understood is not run.
/// </summary>
internal static class ProbeExpression
{
    // Keywords the deparser prints inside scalar conditions, none of which calls a function or reads a table.
    private static readonly HashSet<string> s_words = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "IS", "NULL", "TRUE", "FALSE", "ANY", "ALL", "SOME", "ARRAY", "CASE", "WHEN", "THEN",
        "ELSE", "END", "DISTINCT", "FROM", "UNKNOWN", "COALESCE", "NULLIF", "GREATEST", "LEAST",
        "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP",
    };

    // Of those, the ones that may stand before "(": operators and the conditional expressions, which call nothing of their own.
    private static readonly HashSet<string> s_beforeParenthesis = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "ANY", "ALL", "SOME", "WHEN", "THEN", "ELSE", "CASE", "COALESCE", "NULLIF", "GREATEST", "LEAST", "FROM",
    };

    // Words that continue a multi-word type name after "::" (timestamp with time zone, character varying...).
    private static readonly HashSet<string> s_typeWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "varying", "precision", "with", "without", "time", "zone",
    };

    /// <summary>
    /// <see cref="ProbeRefusal.None"/> when <paramref name="expression"/> may be copied into a probe, else why not; <paramref name="parameters"/>
    /// receives the numbers of the <c>$n</c> placeholders it holds. <paramref name="bareColumns"/> accepts
    /// unqualified column names (an index predicate, which <c>pg_get_expr</c> prints without an alias).
    /// <paramref name="operators"/> receives the operators it uses: each calls a function, which the runner
    /// checks in the catalog is not volatile before the probe is sent.
    /// </summary>
    public static ProbeRefusal Check(string? expression, IReadOnlyCollection<string> aliases, ISet<int> parameters, bool bareColumns = false, ISet<string>? operators = null)
    {
        if (string.IsNullOrWhiteSpace(expression)) return ProbeRefusal.Expression;
        var tokens = new List<SqlToken>();
        foreach (var token in SqlLexer.Tokenize(expression))
        {
            if (token.Kind is SqlTokenKind.LineComment or SqlTokenKind.BlockComment) return ProbeRefusal.Expression;
            if (token.Kind != SqlTokenKind.Whitespace) tokens.Add(token);
        }

        var text = expression.AsSpan();
        var depth = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var word = token.Text(text);
            switch (token.Kind)
            {
                case SqlTokenKind.Number or SqlTokenKind.String:
                    break;
                case SqlTokenKind.Operator:
                    operators?.Add(word.ToString());
                    break;
                case SqlTokenKind.Parameter:
                    if (word.Length < 2 || word[0] != '$' || !int.TryParse(word[1..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1)
                        return ProbeRefusal.Expression;
                    parameters.Add(number);
                    break;
                case SqlTokenKind.Punctuation:
                    switch (word[0])
                    {
                        case '(' or '[': depth++; break;
                        case ')' or ']': if (--depth < 0) return ProbeRefusal.Expression; break;
                        case ',': break;
                        default: return ProbeRefusal.Expression; // ';' or a stray '.'
                    }
                    break;
                case SqlTokenKind.Cast:
                    if (!SkipTypeName(tokens, text, ref i)) return ProbeRefusal.Expression;
                    break;
                case SqlTokenKind.Keyword when s_words.Contains(word.ToString()):
                    if (IsFollowedBy(tokens, text, i, '(') && !s_beforeParenthesis.Contains(word.ToString())) return ProbeRefusal.FunctionCall;
                    break;
                case SqlTokenKind.Identifier or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Keyword:
                    if (IsPlanReference(word)) return ProbeRefusal.SubPlanReference;
                    if (IsFollowedBy(tokens, text, i, '(')) return ProbeRefusal.FunctionCall;
                    if (IsFollowedBy(tokens, text, i, '.'))
                    {
                        // alias.column, the alias one the probe reads.
                        if (!aliases.Contains(Unquote(token, text))) return ProbeRefusal.Expression;
                        if (i + 2 >= tokens.Count || !IsName(tokens[i + 2].Kind)) return ProbeRefusal.Expression;
                        i += 2;
                        if (IsFollowedBy(tokens, text, i, '(')) return ProbeRefusal.FunctionCall; // schema.function(...)
                        if (IsFollowedBy(tokens, text, i, '.')) return ProbeRefusal.Expression;
                        break;
                    }

                    // An unqualified word: a column only where the text is known to name one table's columns;
                    // a keyword spelt as a word (SubPlan, hashed, InitPlan) is never one.
                    if (!bareColumns || token.Kind == SqlTokenKind.Keyword) return ProbeRefusal.Expression;
                    break;
                default:
                    return ProbeRefusal.Expression;
            }
        }

        return depth == 0 ? ProbeRefusal.None : ProbeRefusal.Expression;
    }

    private static bool IsPlanReference(ReadOnlySpan<char> word) =>
        word.Equals("SubPlan", StringComparison.OrdinalIgnoreCase) || word.Equals("InitPlan", StringComparison.OrdinalIgnoreCase)
        || word.Equals("hashed", StringComparison.OrdinalIgnoreCase);

    private static bool IsName(SqlTokenKind kind) => kind is SqlTokenKind.Identifier or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Keyword;

    private static bool IsFollowedBy(List<SqlToken> tokens, ReadOnlySpan<char> text, int i, char punctuation) =>
        i + 1 < tokens.Count && tokens[i + 1].Kind == SqlTokenKind.Punctuation && text[tokens[i + 1].Start] == punctuation;

    /// <summary>
    /// Moves past a cast's type name: words (schema-qualified, multi-word), an optional typmod of numbers
    /// (<c>numeric(10,2)</c>) and array brackets. False when what follows <c>::</c> is not a type name.
    /// </summary>
    private static bool SkipTypeName(List<SqlToken> tokens, ReadOnlySpan<char> text, ref int i)
    {
        if (i + 1 >= tokens.Count || !IsName(tokens[i + 1].Kind)) return false;
        i++;
        while (i + 1 < tokens.Count)
        {
            var next = tokens[i + 1];
            if (next.Kind is SqlTokenKind.Identifier or SqlTokenKind.Keyword && s_typeWords.Contains(next.Text(text).ToString())) { i++; continue; }
            if (IsFollowedBy(tokens, text, i, '.') && i + 2 < tokens.Count && IsName(tokens[i + 2].Kind)) { i += 2; continue; }
            break;
        }

        if (IsFollowedBy(tokens, text, i, '('))
        {
            i++;
            while (true)
            {
                if (++i >= tokens.Count) return false;
                var t = tokens[i];
                if (t.Kind == SqlTokenKind.Number || (t.Kind == SqlTokenKind.Punctuation && text[t.Start] == ',')) continue;
                if (t.Kind == SqlTokenKind.Punctuation && text[t.Start] == ')') break;
                return false;
            }
        }

        while (IsFollowedBy(tokens, text, i, '[') && i + 2 < tokens.Count && tokens[i + 2].Kind == SqlTokenKind.Punctuation && text[tokens[i + 2].Start] == ']')
        {
            i += 2;
        }

        return true;
    }

    /// <summary>A name as PostgreSQL stores it: a quoted one without its quotes, an unquoted one as written (the deparser prints folded names).</summary>
    internal static string Unquote(SqlToken token, ReadOnlySpan<char> text)
    {
        var word = token.Text(text);
        return token.Kind == SqlTokenKind.QuotedIdentifier && word.Length >= 2 && word[0] == '"'
            ? word[1..^1].ToString().Replace("\"\"", "\"", StringComparison.Ordinal)
            : word.ToString();
    }

    /// <summary>An identifier quoted for SQL text, whatever it holds.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
