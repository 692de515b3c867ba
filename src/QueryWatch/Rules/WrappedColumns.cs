namespace QueryWatch.Rules;

/// <summary>
/// Finds comparisons whose column side is wrapped in a function call or a cast
/// (<c>(lower(email) = '…'::text)</c>, <c>((created_at)::date = …)</c>): a plain index on the column
/// cannot serve them. Casts to the text family are not counted: PostgreSQL prints every varchar
/// comparison as <c>((col)::text = …)</c>, and a varchar index serves it. Never throws.
/// </summary>
internal static class WrappedColumns
{
    /// <summary>One wrapped side: the expression as the plan prints it, and the column inside it.</summary>
    internal readonly record struct Wrapped(string Expression, string Column, bool IsCast);

    private static readonly string[] Comparisons = [" = ", " <> ", " <= ", " >= ", " < ", " > ", " ~~ ", " ~~* ", " !~~ "];

    public static IReadOnlyList<Wrapped> Read(string? condition)
    {
        var result = new List<Wrapped>();
        foreach (var term in PredicateColumns.Conjuncts(condition))
        {
            var t = StripParens(term);
            var (left, right) = SplitComparison(t);
            if (left is null || right is null) continue;
            foreach (var side in new[] { left, right })
            {
                if (Classify(StripParens(side)) is { } wrapped && !result.Exists(r => r.Expression == wrapped.Expression)) result.Add(wrapped);
            }
        }
        return result;
    }

    /// <summary><paramref name="expression"/> without <c>alias.</c> qualifiers, for an index definition on the aliased table.</summary>
    public static string Unqualify(string expression, string? alias)
    {
        if (string.IsNullOrEmpty(alias)) return expression;
        return expression.Replace(alias + ".", "", StringComparison.Ordinal);
    }

    private static Wrapped? Classify(string side)
    {
        // ((created_at)::date) or (created_at)::timestamp without time zone
        var cast = side.LastIndexOf("::", StringComparison.Ordinal);
        if (cast > 0 && side[0] == '(' && Closing(side, 0) == cast - 1)
        {
            var inner = side[1..(cast - 1)].Trim();
            var type = side[(cast + 2)..].Trim().ToLowerInvariant();
            if (IsIdentifier(inner) && !IsTextType(type)) return new Wrapped(side, Last(inner), IsCast: true);
            return null;
        }
        // lower(email), date_trunc('day'::text, created_at), public.f(x)
        var open = side.IndexOf('(');
        if (open <= 0 || side[^1] != ')' || Closing(side, open) != side.Length - 1) return null;
        var name = side[..open].Trim();
        if (!IsIdentifier(name) || name.Equals("ANY", StringComparison.OrdinalIgnoreCase) || name.Equals("ALL", StringComparison.OrdinalIgnoreCase)) return null;
        var column = PredicateColumnsInside(side[(open + 1)..^1]);
        return column is null ? null : new Wrapped(side, column, IsCast: false);
    }

    // The first identifier in a function's arguments that is a column (not a literal, type or nested function name).
    private static string? PredicateColumnsInside(string args)
    {
        var i = 0;
        while (i < args.Length)
        {
            var c = args[i];
            if (c == '\'') { i = SkipQuoted(args, i); continue; }
            if (c == ':' && i + 1 < args.Length && args[i + 1] == ':')
            {
                i += 2;
                while (i < args.Length && (char.IsLetterOrDigit(args[i]) || args[i] is '_' or ' ' or '[' or ']')) i++;
                continue;
            }
            if (char.IsLetter(c) || c == '_' || c == '"')
            {
                var start = i;
                while (i < args.Length && (char.IsLetterOrDigit(args[i]) || args[i] is '_' or '.' or '"' or '$')) i++;
                var word = args[start..i];
                var j = i;
                while (j < args.Length && args[j] == ' ') j++;
                if (j < args.Length && args[j] == '(') continue;
                if (word.ToUpperInvariant() is "AND" or "OR" or "NOT" or "NULL" or "TRUE" or "FALSE" or "AS" or "FROM" or "CASE" or "WHEN" or "THEN" or "ELSE" or "END") continue;
                return Last(word);
            }
            i++;
        }
        return null;
    }

    private static (string? Left, string? Right) SplitComparison(string term)
    {
        var depth = 0;
        for (var i = 0; i < term.Length; i++)
        {
            var c = term[i];
            if (c == '\'') { i = SkipQuoted(term, i) - 1; continue; }
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (depth == 0 && c == ' ')
            {
                foreach (var op in Comparisons)
                {
                    if (string.CompareOrdinal(term, i, op, 0, op.Length) == 0)
                        return (term[..i].Trim(), term[(i + op.Length)..].Trim());
                }
            }
        }
        return (null, null);
    }

    private static bool IsTextType(string type) =>
        type is "text" or "character varying" or "varchar" or "bpchar" or "name" or "character" || type.StartsWith("character varying(", StringComparison.Ordinal);

    private static bool IsIdentifier(string s)
    {
        if (s.Length == 0 || !(char.IsLetter(s[0]) || s[0] is '_' or '"')) return false;
        foreach (var c in s) if (!(char.IsLetterOrDigit(c) || c is '_' or '.' or '"' or '$')) return false;
        return true;
    }

    private static string Last(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot >= 0 ? name[(dot + 1)..] : name;
    }

    private static string StripParens(string s)
    {
        s = s.Trim();
        while (s.Length >= 2 && s[0] == '(' && Closing(s, 0) == s.Length - 1) s = s[1..^1].Trim();
        return s;
    }

    private static int Closing(string s, int open)
    {
        var depth = 0;
        for (var i = open; i < s.Length; i++)
        {
            if (s[i] == '\'') { i = SkipQuoted(s, i) - 1; continue; }
            if (s[i] == '(') depth++;
            else if (s[i] == ')' && --depth == 0) return i;
        }
        return -1;
    }

    private static int SkipQuoted(string s, int i)
    {
        i++;
        while (i < s.Length)
        {
            if (s[i] == '\'')
            {
                if (i + 1 < s.Length && s[i + 1] == '\'') { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        return s.Length;
    }
}
