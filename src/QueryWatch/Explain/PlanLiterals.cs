using System.Text;
using QueryWatch.Plans;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>The constants of one plan, as its expressions print them, and where they may appear in a finding's text.</summary>
internal sealed class PlanLiterals
{
    private static readonly string[] OperandKeywordsBefore = ["AND", "OR", "ANY", "ALL", "THEN", "ELSE", "WHEN", "IN", "LIKE", "BETWEEN", "IS", "NOT"];
    private static readonly string[] OperandKeywordsAfter = ["AND", "OR", "THEN", "ELSE", "END", "WHEN"];

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
        foreach (var (token, isLiteral) in FindingRedactor.Literals(expression))
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
                result.Append(FindingRedactor.DdlPlaceholder);
                ddlRedacted = true;
            }
            else
            {
                if (quote == '\0') result.Append(FindingRedactor.Placeholder);
                else result.Append(quote).Append(FindingRedactor.Placeholder).Append(quote);
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
            if (c == '\'') { i = FindingRedactor.ClosingQuote(text, i + 1, '\'') - 1; continue; }
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
