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

    private static readonly string[] OperandKeywordsBefore = ["AND", "OR", "ANY", "ALL", "THEN", "ELSE", "WHEN", "IN", "LIKE", "BETWEEN", "IS", "NOT"];
    private static readonly string[] OperandKeywordsAfter = ["AND", "OR", "THEN", "ELSE", "END", "WHEN"];

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
    private static int ClosingQuote(string text, int start, char quote)
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
    private static List<(SqlToken Token, bool IsLiteral)> Literals(string sql)
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

    /// <summary>The constants of one plan, as its expressions print them, and where they may appear in a finding's text.</summary>
    private sealed class PlanLiterals
    {
        private readonly List<string> _strings = [];
        private readonly List<string> _numbers = [];

        public static PlanLiterals Of(PlanNode node)
        {
            var root = node;
            while (root.Parent is not null) root = root.Parent;
            var literals = new PlanLiterals();
            var pending = new Stack<PlanNode>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                var n = pending.Pop();
                foreach (var expression in Expressions(n)) literals.Read(expression);
                foreach (var child in n.Children) pending.Push(child);
            }
            // Longest first: a literal that contains another is replaced whole.
            literals._strings.Sort((a, b) => b.Length.CompareTo(a.Length));
            literals._numbers.Sort((a, b) => b.Length.CompareTo(a.Length));
            return literals;
        }

        private static IEnumerable<string?> Expressions(PlanNode n)
        {
            yield return n.Filter;
            yield return n.IndexCond;
            yield return n.RecheckCond;
            yield return n.JoinFilter;
            yield return n.HashCond;
            yield return n.MergeCond;
            yield return n.OneTimeFilter;
            yield return n.TidCond;
            yield return n.SubplanName;
            foreach (var list in new[] { n.SortKey, n.PresortedKey, n.GroupKey, n.Output })
            {
                if (list is null) continue;
                foreach (var item in list) yield return item;
            }
            // Properties the model does not name (Cache Key, Function Call, Order By...): read them all.
            foreach (var value in n.Extra.Values) yield return value;
        }

        private void Read(string? expression)
        {
            if (string.IsNullOrEmpty(expression)) return;
            // A property kept as compact JSON ({"Name":…, "Count":3}): its strings may be values, its numbers are figures.
            var json = expression[0] is '{' or '[';
            SqlToken? previous = null;
            foreach (var (token, isLiteral) in Literals(expression))
            {
                if (isLiteral)
                {
                    var text = expression.Substring(token.Start, token.Length);
                    if (token.Kind == SqlTokenKind.String) AddOnce(_strings, text);
                    // A bare number with nothing before it is a figure (a property PostgreSQL prints as text), not an operand.
                    else if (previous is not null && !json) AddOnce(_numbers, text);
                }
                if (!token.IsTrivia) previous = token;
            }
        }

        private static void AddOnce(List<string> list, string text)
        {
            if (!list.Contains(text)) list.Add(text);
        }

        /// <summary><paramref name="text"/> with this plan's constants replaced; <paramref name="ddlRedacted"/> when one was inside index DDL.</summary>
        public string Apply(string text, out bool ddlRedacted)
        {
            ddlRedacted = false;
            if (string.IsNullOrEmpty(text)) return text;
            var ddl = DdlRanges(text);
            // Replacements as (start, length, isString), then written in one pass.
            // quote: the placeholder's delimiter ('\0' for none)
            var hits = new List<(int Start, int Length, char Quote)>();
            foreach (var s in _strings)
            {
                Find(text, s, hits, isString: true, operandOnly: false);
                var content = Content(s);
                if (content.Length == 0) continue;
                Find(text, "\"" + content + "\"", hits, isString: true, operandOnly: false, quote: '"');
                if (content.Length >= 4 && HasLetter(content) && !IsIdentifierLike(content)) Find(text, content, hits, isString: false, operandOnly: false);
            }
            FindCastLiterals(text, hits);
            foreach (var n in _numbers)
            {
                Find(text, n, hits, isString: false, operandOnly: true);
                // as a server message quotes it (hypopg's refusal lands in the suggestion): value "99999999999" is out of range
                Find(text, "\"" + n + "\"", hits, isString: true, operandOnly: false, quote: '"');
            }
            if (hits.Count == 0) return text;

            hits.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
            var result = new StringBuilder(text.Length);
            var position = 0;
            foreach (var (start, length, quote) in hits)
            {
                if (start < position) continue; // inside a longer replacement already written
                result.Append(text, position, start - position);
                if (InRanges(ddl, start))
                {
                    result.Append(DdlPlaceholder);
                    ddlRedacted = true;
                }
                else
                {
                    if (quote == '\0') result.Append(Placeholder);
                    else result.Append(quote).Append(Placeholder).Append(quote);
                }
                position = start + length;
            }
            result.Append(text, position, text.Length - position);
            return result.ToString();
        }

        private static void Find(string text, string literal, List<(int, int, char)> hits, bool isString, bool operandOnly, char quote = '\'')
        {
            if (literal.Length == 0) return;
            var at = 0;
            while ((at = text.IndexOf(literal, at, StringComparison.Ordinal)) >= 0)
            {
                var end = at + literal.Length;
                // A quoted literal carries its own delimiters; a bare one (a number, a string's content) must stand alone.
                var whole = (isString && literal[0] is '\'' or '"' or '$') || StandsAlone(text, at, end);
                if (whole && (!operandOnly || IsOperand(text, at, end))) hits.Add((at, literal.Length, isString ? quote : '\0'));
                at = end;
            }
        }

        // 'anything'::type is how a plan prints a constant, whichever plan it came from.
        private static void FindCastLiterals(string text, List<(int, int, char)> hits)
        {
            var i = text.IndexOf('\'', StringComparison.Ordinal);
            while (i >= 0 && i < text.Length)
            {
                var close = i + 1;
                while (close < text.Length)
                {
                    if (text[close] == '\'' && close + 1 < text.Length && text[close + 1] == '\'') { close += 2; continue; }
                    if (text[close] == '\'') break;
                    close++;
                }
                if (close >= text.Length) return;
                if (close + 2 < text.Length && text[close + 1] == ':' && text[close + 2] == ':')
                {
                    hits.Add((i, close + 1 - i, '\''));
                    i = text.IndexOf('\'', close + 1);
                }
                else
                {
                    i = close; // the closing quote may open the next literal
                }
            }
        }

        private static bool StandsAlone(string text, int start, int end)
        {
            var before = start > 0 ? text[start - 1] : ' ';
            var after = end < text.Length ? text[end] : ' ';
            if (char.IsLetterOrDigit(before) || before is '_' or '.' or '$') return false;
            if (before == ',' && start >= 2 && char.IsDigit(text[start - 2])) return false; // 1,234
            if (char.IsLetterOrDigit(after) || after is '_') return false;
            if (after is '.' or ',' && end + 1 < text.Length && char.IsDigit(text[end + 1])) return false; // 12.5, 1,234
            return true;
        }

        // A number replaced only as an operand of an expression: `= 42`, `(x + 42)`, `COALESCE(x, 42)`, never `42 rows`.
        private static bool IsOperand(string text, int start, int end)
        {
            var b = start - 1;
            while (b >= 0 && text[b] == ' ') b--;
            var a = end;
            while (a < text.Length && text[a] == ' ') a++;
            var operandBefore = b >= 0 && ("=<>!~+-*/%^|&([,".Contains(text[b], StringComparison.Ordinal) || EndsWithWord(text, b, OperandKeywordsBefore));
            var operandAfter = a >= text.Length || ")],:;=<>!~+-*/%".Contains(text[a], StringComparison.Ordinal) || StartsWithWord(text, a, OperandKeywordsAfter);
            if (b >= 0 && text[b] == '(' && a < text.Length && !")],:".Contains(text[a], StringComparison.Ordinal) && !StartsWithWord(text, a, OperandKeywordsAfter)) return false;
            return operandBefore && operandAfter;
        }

        private static bool EndsWithWord(string text, int last, string[] words)
        {
            foreach (var w in words)
            {
                var start = last - w.Length + 1;
                if (start >= 0 && string.CompareOrdinal(text, start, w, 0, w.Length) == 0 && (start == 0 || !char.IsLetterOrDigit(text[start - 1]))) return true;
            }
            return false;
        }

        private static bool StartsWithWord(string text, int first, string[] words)
        {
            foreach (var w in words)
            {
                var end = first + w.Length;
                if (end <= text.Length && string.CompareOrdinal(text, first, w, 0, w.Length) == 0 && (end == text.Length || !char.IsLetterOrDigit(text[end]))) return true;
            }
            return false;
        }

        private static string Content(string literal)
        {
            var open = literal.IndexOf('\'', StringComparison.Ordinal);
            if (open < 0 || literal[^1] != '\'' || literal.Length - open < 2) return "";
            return literal[(open + 1)..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        private static bool HasLetter(string s)
        {
            foreach (var c in s) if (char.IsLetter(c)) return true;
            return false;
        }

        private static bool IsIdentifierLike(string s)
        {
            if (!(char.IsLetter(s[0]) || s[0] == '_')) return false;
            foreach (var c in s) if (!(char.IsLetterOrDigit(c) || c == '_')) return false;
            return true;
        }

        // CREATE INDEX … (keys) [INCLUDE (…)] [WHERE …]: what a user would run, where a value becomes <value>.
        private static List<(int Start, int End)> DdlRanges(string text)
        {
            var ranges = new List<(int, int)>();
            var at = 0;
            while ((at = text.IndexOf("CREATE INDEX", at, StringComparison.OrdinalIgnoreCase)) >= 0)
            {
                var open = text.IndexOf('(', at);
                if (open < 0) break;
                var end = Closing(text, open);
                var rest = end;
                while (rest < text.Length && text[rest] == ' ') rest++;
                if (string.CompareOrdinal(text, rest, "INCLUDE (", 0, 9) == 0) end = Closing(text, rest + 8);
                rest = end;
                while (rest < text.Length && text[rest] == ' ') rest++;
                if (string.CompareOrdinal(text, rest, "WHERE ", 0, 6) == 0)
                {
                    // up to the end of the sentence that carries it
                    var stop = text.IndexOf("; ", rest, StringComparison.Ordinal);
                    end = stop < 0 ? text.Length : stop;
                }
                ranges.Add((at, end));
                at = Math.Max(end, at + 1);
            }
            return ranges;
        }

        private static int Closing(string text, int open)
        {
            var depth = 0;
            for (var i = open; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\'') { i = ClosingQuote(text, i + 1, '\'') - 1; continue; }
                if (c == '(') depth++;
                else if (c == ')' && --depth == 0) return i + 1;
            }
            return text.Length;
        }

        private static bool InRanges(List<(int Start, int End)> ranges, int position)
        {
            foreach (var (start, end) in ranges) if (position >= start && position < end) return true;
            return false;
        }
    }
}
