namespace QueryWatch.Rules;

/// <summary>
/// Reads column names out of a plan's condition text (<c>((process_id = '…'::uuid) AND ((state)::text = 'error'::text))</c>
/// → process_id (equality), state (equality)). Only the left side of a comparison counts; casts, literals,
/// function names and type names are skipped. Never throws; odd text gives fewer columns.
/// </summary>
internal static class PredicateColumns
{
    /// <summary>A column compared in a condition; <see cref="IsEquality"/> for <c>=</c>, <c>= ANY</c> and <c>IS [NOT] NULL</c>.</summary>
    internal readonly record struct Column(string Name, bool IsEquality);

    public static IReadOnlyList<Column> Read(string? expression)
    {
        var result = new List<Column>();
        if (string.IsNullOrEmpty(expression)) return result;
        var s = expression;
        var i = 0;
        var depth = 0;
        var callDepths = new Stack<int>();
        var afterFunctionName = false;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '\'')
            {
                i = SkipQuoted(s, i, '\'');
                continue;
            }
            if (c == '(')
            {
                depth++;
                if (afterFunctionName) callDepths.Push(depth);
                afterFunctionName = false;
                i++;
                continue;
            }
            if (c == ')')
            {
                if (callDepths.Count > 0 && callDepths.Peek() == depth) callDepths.Pop();
                depth--;
                i++;
                continue;
            }
            if (!IsIdentStart(c) && c != '"')
            {
                if (c != ' ') afterFunctionName = false;
                i++;
                continue;
            }
            var precededByCast = i >= 2 && s[i - 1] == ':' && s[i - 2] == ':';
            var start = i;
            i = ReadQualifiedName(s, i);
            var name = s[start..i];
            if (precededByCast) continue;
            var j = i;
            while (j < s.Length && s[j] == ' ') j++;
            if (j < s.Length && s[j] == '(' && !IsKeyword(name))
            {
                // a function call: its arguments are not columns an index on the bare column would serve
                afterFunctionName = true;
                continue;
            }
            // arguments of a function call (lower(email) = …) are not plain column comparisons
            if (callDepths.Count > 0) continue;
            j = SkipCastsAndParens(s, j);
            var equality = OperatorKind(s, j);
            if (equality is null || IsKeyword(name)) continue;
            var bare = Unqualify(name);
            if (!result.Exists(r => r.Name == bare)) result.Add(new Column(bare, equality.Value));
        }
        return result;
    }

    /// <summary>Equality columns first, then the rest: the column order a B-tree index wants.</summary>
    public static IReadOnlyList<string> IndexOrder(IEnumerable<Column> columns)
    {
        var list = columns.ToList();
        return [.. list.Where(c => c.IsEquality).Select(c => c.Name), .. list.Where(c => !c.IsEquality).Select(c => c.Name)];
    }

    /// <summary>The top-level AND terms of a condition; a condition without a top-level AND is one term.</summary>
    public static IReadOnlyList<string> Conjuncts(string? expression)
    {
        var terms = new List<string>();
        if (string.IsNullOrWhiteSpace(expression)) return terms;
        var s = StripOuterParens(expression.Trim());
        var depth = 0;
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\'') { i = SkipQuoted(s, i, '\'') - 1; continue; }
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (depth == 0 && string.CompareOrdinal(s, i, " AND ", 0, 5) == 0)
            {
                terms.Add(s[start..i].Trim());
                start = i + 5;
                i += 4;
            }
        }
        terms.Add(s[start..].Trim());
        return terms;
    }

    private static string StripOuterParens(string s)
    {
        while (s.Length >= 2 && s[0] == '(' && s[^1] == ')' && ClosesAtEnd(s)) s = s[1..^1].Trim();
        return s;
    }

    private static bool ClosesAtEnd(string s)
    {
        var depth = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\'') { i = SkipQuoted(s, i, '\'') - 1; continue; }
            if (s[i] == '(') depth++;
            else if (s[i] == ')' && --depth == 0 && i < s.Length - 1) return false;
        }
        return true;
    }

    private static string Unqualify(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot >= 0 ? name[(dot + 1)..] : name;
    }

    private static int ReadQualifiedName(string s, int i)
    {
        while (true)
        {
            if (i < s.Length && s[i] == '"') i = SkipQuoted(s, i, '"');
            else while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '$')) i++;
            if (i + 1 < s.Length && s[i] == '.' && (IsIdentStart(s[i + 1]) || s[i + 1] == '"')) { i++; continue; }
            return i;
        }
    }

    private static int SkipCastsAndParens(string s, int j)
    {
        while (j < s.Length)
        {
            if (s[j] is ' ' or ')') { j++; continue; }
            if (s[j] == ':' && j + 1 < s.Length && s[j + 1] == ':')
            {
                j += 2;
                // type names can be several words ("timestamp with time zone") or carry [] / (n)
                while (j < s.Length && (char.IsLetterOrDigit(s[j]) || s[j] is '_' or '[' or ']' or '"' or '.'
                       || (s[j] == ' ' && j + 1 < s.Length && char.IsLower(s[j + 1]))))
                    j++;
                continue;
            }
            break;
        }
        return j;
    }

    private static bool? OperatorKind(string s, int j)
    {
        if (j >= s.Length) return null;
        var rest = s.AsSpan(j);
        if (rest.StartsWith("= ANY") || rest.StartsWith("IS ")) return true;
        if (rest.StartsWith("<>") || rest.StartsWith("!=") || rest.StartsWith("~~") || rest.StartsWith("!~~")
            || rest.StartsWith("<=") || rest.StartsWith(">=") || rest.StartsWith("<") || rest.StartsWith(">")
            || rest.StartsWith("~*") || rest.StartsWith("@>") || rest.StartsWith("&&")) return false;
        if (rest.StartsWith("=")) return true;
        return null;
    }

    private static bool IsKeyword(string name) => name.ToUpperInvariant() is
        "AND" or "OR" or "NOT" or "NULL" or "TRUE" or "FALSE" or "IS" or "ANY" or "ALL" or "SUBPLAN" or "HASHED"
        or "ALTERNATIVES" or "CASE" or "WHEN" or "THEN" or "ELSE" or "END" or "ARRAY" or "DISTINCT" or "FROM";

    private static bool IsIdentStart(char c) => char.IsLetter(c) || c == '_';

    private static int SkipQuoted(string s, int i, char quote)
    {
        i++;
        while (i < s.Length)
        {
            if (s[i] == quote)
            {
                if (i + 1 < s.Length && s[i + 1] == quote) { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        return s.Length;
    }
}
