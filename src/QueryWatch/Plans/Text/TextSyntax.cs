namespace QueryWatch.Plans.Text;

/// <summary>Small span helpers for EXPLAIN's TEXT syntax: quote- and paren-aware splitting.</summary>
internal static class TextSyntax
{
    /// <summary>
    /// Splits on commas outside parentheses, brackets and quotes (<c>Output: 1, (a, b)</c> is two items).
    /// A malformed value (unbalanced) still splits linearly and never throws.
    /// </summary>
    public static List<string> SplitTopLevel(ReadOnlySpan<char> value, char separator = ',')
    {
        var items = new List<string>();
        var depth = 0;
        var quote = '\0';
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                continue;
            }
            switch (c)
            {
                case '\'' or '"': quote = c; break;
                case '(' or '[' or '{': depth++; break;
                case ')' or ']' or '}': if (depth > 0) depth--; break;
                default:
                    if (c == separator && depth == 0)
                    {
                        Add(items, value[start..i]);
                        start = i + 1;
                    }
                    break;
            }
        }
        Add(items, value[start..]);
        return items;
    }

    private static void Add(List<string> items, ReadOnlySpan<char> item)
    {
        var trimmed = item.Trim();
        if (!trimmed.IsEmpty) items.Add(trimmed.ToString());
    }

    /// <summary>Unquotes a SQL identifier as PostgreSQL's JSON format prints it: <c>"My Table"</c> becomes <c>My Table</c>.</summary>
    public static string Unquote(ReadOnlySpan<char> identifier)
    {
        if (identifier.Length >= 2 && identifier[0] == '"' && identifier[^1] == '"')
            return identifier[1..^1].ToString().Replace("\"\"", "\"", StringComparison.Ordinal);
        return identifier.ToString();
    }

    /// <summary>Splits <c>name alias</c> / <c>schema.name alias</c> at spaces outside double quotes.</summary>
    public static List<string> SplitIdentifiers(ReadOnlySpan<char> text) => SplitOutsideQuotes(text, ' ');

    /// <summary>Splits a possibly schema-qualified name at the first dot outside double quotes.</summary>
    public static (string? Schema, string Name) SplitQualified(ReadOnlySpan<char> text)
    {
        var inQuote = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') inQuote = !inQuote;
            else if (text[i] == '.' && !inQuote) return (Unquote(text[..i]), Unquote(text[(i + 1)..]));
        }
        return (null, Unquote(text));
    }

    private static List<string> SplitOutsideQuotes(ReadOnlySpan<char> text, char separator)
    {
        var parts = new List<string>();
        var inQuote = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') inQuote = !inQuote;
            else if (text[i] == separator && !inQuote)
            {
                if (i > start) parts.Add(text[start..i].ToString());
                start = i + 1;
            }
        }
        if (text.Length > start) parts.Add(text[start..].ToString());
        return parts;
    }

    /// <summary>Net count of '(' over ')' outside single-quoted literals; <paramref name="inQuote"/> carries across lines.</summary>
    public static int ParenBalance(ReadOnlySpan<char> text, ref bool inQuote)
    {
        var balance = 0;
        foreach (var c in text)
        {
            if (c == '\'') inQuote = !inQuote;
            else if (inQuote) continue;
            else if (c == '(') balance++;
            else if (c == ')') balance--;
        }
        return balance;
    }

    /// <summary>Leading spaces; a tab counts as one column (psql never indents with tabs).</summary>
    public static int Indent(ReadOnlySpan<char> line)
    {
        var i = 0;
        while (i < line.Length && (line[i] == ' ' || line[i] == '\t')) i++;
        return i;
    }

    /// <summary>Parses a number as PostgreSQL prints it (invariant, optional unit suffix such as <c>kB</c> or <c> ms</c>).</summary>
    public static bool TryNumber(ReadOnlySpan<char> text, out double value)
    {
        text = text.Trim();
        var end = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] is '.' or '-' or '+' or 'e' or 'E'))
        {
            // An 'e' that does not continue a number ends it ("5 executions" is not an exponent).
            if (text[end] is 'e' or 'E' && (end + 1 >= text.Length || !(char.IsAsciiDigit(text[end + 1]) || text[end + 1] is '-' or '+'))) break;
            end++;
        }
        return double.TryParse(text[..end], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value)
            && !double.IsNaN(value) && !double.IsInfinity(value);
    }
}
