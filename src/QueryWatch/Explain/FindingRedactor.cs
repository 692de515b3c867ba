using System.Text;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// The one redaction step between findings and every sink (log message and properties, span
/// events, the CLI): values and literals stay out unless the user opted in
/// (<see cref="QueryWatchOptions.LogParameterValues"/>; the caller decides, this class always redacts).
/// A rule cannot forget it, because it does not depend on how a rule words its text: the constants
/// are read from the finding's plan (every expression of every node, through <see cref="SqlLexer"/>),
/// and every place they appear in the finding's text is replaced. QueryWatch's own figures
/// (<c>861,831 rows</c>, <c>12.5%</c>, costs), identifiers and index names are left alone: a number
/// is replaced only where it stands as an operand (<c>= 42</c>, <c>, 42)</c>), a string wherever
/// it appears quoted.
/// <list type="bullet">
/// <item><see cref="Redact(Finding)"/>: Message, Suggestion, NodePath and Evidence values of a finding.
/// Inside index DDL the placeholder is <see cref="DdlPlaceholder"/>, so the statement cannot be run
/// unedited, and the suggestion says which constant goes there.</item>
/// <item><see cref="RedactPlanText"/>: any other text about a plan node (event 3002's node path).</item>
/// <item><see cref="RedactSql"/>: SQL or a plan expression (<c>(name = 'x'::text)</c>): every string and
/// number literal replaced, identifiers, operators and casts kept.</item>
/// <item><see cref="RedactText"/>: prose from outside QueryWatch (a server error's message text, an
/// exception message): every quoted span replaced, since PostgreSQL quotes the value it rejects
/// (<c>invalid input syntax for type integer: "…"</c>).</item>
/// </list>
/// Never throws on odd input; it may replace more than a value, never less.
/// </summary>
internal static class FindingRedactor
{
    /// <summary>What a value becomes in a message: <c>'…'</c> for a string, <c>…</c> for a number.</summary>
    public const string Placeholder = "…";

    /// <summary>What a value becomes inside a proposed index definition.</summary>
    public const string DdlPlaceholder = "<value>";

    internal const string DdlSentence =
        " Where the index shows <value>, write the constant the query compares with (QueryWatch keeps values out of its logs unless LogParameterValues is on).";

    private const string QuotedPlaceholder = "'" + Placeholder + "'";

    /// <summary>The finding with every constant of its plan replaced in its Message, Suggestion, NodePath and Evidence values.</summary>
    public static Finding Redact(Finding finding)
    {
        var literals = PlanLiterals.Of(finding.Node);
        var suggestion = literals.Apply(finding.Suggestion, out var ddlRedacted);
        if (ddlRedacted) suggestion += DdlSentence;
        KeyValuePair<string, string>[] evidence = new KeyValuePair<string, string>[finding.Evidence.Count];
        for (var i = 0; i < evidence.Length; i++)
        {
            var (key, value) = finding.Evidence[i];
            evidence[i] = new(key, literals.Apply(value, out _));
        }

        return finding with
        {
            Message = literals.Apply(finding.Message, out _),
            Suggestion = suggestion,
            NodePath = literals.Apply(finding.NodePath, out _),
            Evidence = evidence,
        };
    }

    /// <summary><paramref name="text"/> about <paramref name="node"/>'s plan with that plan's constants replaced.</summary>
    public static string RedactPlanText(PlanNode node, string text) => PlanLiterals.Of(node).Apply(text, out _);

    /// <summary>SQL or a plan expression with every string and number literal replaced (<c>'…'</c>, <c>…</c>); placeholders, identifiers and casts kept.</summary>
    public static string RedactSql(string? sql)
    {
        if (string.IsNullOrEmpty(sql)) return "";
        var result = new StringBuilder(sql.Length);
        foreach (var (token, isLiteral) in Literals(sql))
        {
            if (!isLiteral) result.Append(sql, token.Start, token.Length);
            else result.Append(token.Kind == SqlTokenKind.String ? QuotedPlaceholder : Placeholder);
        }
        return result.ToString();
    }

    /// <summary>
    /// Prose from outside QueryWatch (a server error's message text) with every quoted span replaced:
    /// <c>"…"</c> and <c>'…'</c>. An apostrophe inside a word (<c>PostgreSQL's</c>) is not a quote.
    /// </summary>
    public static string RedactText(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var isQuote = c == '"' || (c == '\'' && !(i > 0 && char.IsLetterOrDigit(text[i - 1]) && i + 1 < text.Length && char.IsLetter(text[i + 1])));
            if (!isQuote)
            {
                result.Append(c);
                i++;
                continue;
            }
            var end = ClosingQuote(text, i + 1, c);
            result.Append(c).Append(Placeholder).Append(c);
            i = end;
        }
        return result.ToString();
    }

    // Past the quote that closes the span opened before `start` (a doubled quote is part of it); the end when unclosed.
    internal static int ClosingQuote(string text, int start, char quote)
    {
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] != quote) continue;
            if (i + 1 < text.Length && text[i + 1] == quote) { i++; continue; }
            return i + 1;
        }
        return text.Length;
    }

    /// <summary>
    /// The tokens of <paramref name="sql"/>, each marked when it is a literal: a string (adjacent
    /// strings and their continuation are separate tokens, each marked) or a number that is not a
    /// type modifier (<c>::character varying(255)</c>) or part of a placeholder.
    /// </summary>
    internal static List<(SqlToken Token, bool IsLiteral)> Literals(string sql)
    {
        var tokens = new List<(SqlToken, bool)>();
        var castDepth = -1; // paren depth of a cast's type modifier list, while inside one
        var depth = 0;
        var afterCast = false;
        var previous = SqlTokenKind.Whitespace;
        foreach (var token in SqlLexer.Tokenize(sql))
        {
            var text = token.Text(sql);
            var literal = false;
            switch (token.Kind)
            {
                case SqlTokenKind.String:
                    literal = true;
                    afterCast = false;
                    break;
                case SqlTokenKind.Number:
                    literal = castDepth < 0;
                    afterCast = false;
                    break;
                case SqlTokenKind.Cast:
                    afterCast = true;
                    break;
                case SqlTokenKind.Punctuation when text is "(":
                    depth++;
                    // a modifier follows its type name directly: ::character varying(255), ::numeric(10,2)
                    if (afterCast && castDepth < 0 && previous is SqlTokenKind.Identifier or SqlTokenKind.Keyword) castDepth = depth;
                    afterCast = false;
                    break;
                case SqlTokenKind.Punctuation when text is ")":
                    if (castDepth == depth) castDepth = -1;
                    depth--;
                    afterCast = false;
                    break;
                case SqlTokenKind.Identifier or SqlTokenKind.Keyword or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Whitespace:
                    // a type name after :: may be several words (timestamp without time zone)
                    break;
                case SqlTokenKind.Punctuation when text is "[" or "]" or ".":
                    break;
                default:
                    afterCast = false;
                    break;
            }
            previous = token.Kind;
            tokens.Add((token, literal));
        }
        return tokens;
    }
}
