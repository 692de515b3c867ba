namespace QueryWatch.Plans.Text;

/// <summary>
/// Reads one node line after its <c>-&gt;</c>: the name, then optional <c>(cost=a..b rows=n width=w)</c>
/// and <c>(actual time=x..y rows=r loops=l)</c> / <c>(actual rows=r loops=l)</c> / <c>(never executed)</c>.
/// explain.c prints two spaces before the cost part and one before the actual part, none of them
/// when COSTS OFF leaves the name alone.
/// </summary>
internal static class NodeLineParser
{
    /// <summary>Where the name ends: the start of the first figures part, or the line's length.</summary>
    public static int NameEnd(ReadOnlySpan<char> line)
    {
        var end = line.Length;
        foreach (var marker in (ReadOnlySpan<string>)[" (cost=", " (actual ", " (never executed)"])
        {
            var i = line.IndexOf(marker, StringComparison.Ordinal);
            if (i >= 0 && i < end) end = i;
        }
        return end;
    }

    /// <summary>True when the line carries a figures part, the surest sign it is a node line.</summary>
    public static bool HasFigures(ReadOnlySpan<char> line) => NameEnd(line) < line.Length;

    /// <summary>Parses a node line; returns null with a reason when its figures are malformed.</summary>
    public static PlanNode? TryParse(ReadOnlySpan<char> line, out string? error)
    {
        error = null;
        var nameEnd = NameEnd(line);
        var name = line[..nameEnd].Trim();
        if (name.IsEmpty)
        {
            error = "node line without a node name";
            return null;
        }
        var node = new PlanNode();
        NodeNameParser.Apply(node, name);

        var rest = line[nameEnd..].Trim();
        while (!rest.IsEmpty)
        {
            if (rest[0] != '(')
            {
                error = "unexpected text after a node's figures";
                return null;
            }
            var close = rest.IndexOf(')');
            if (close < 0)
            {
                error = "unclosed parenthesis in a node's figures";
                return null;
            }
            if (!TryFigures(node, rest[1..close], out error)) return null;
            rest = rest[(close + 1)..].TrimStart();
        }
        return node;
    }

    private static bool TryFigures(PlanNode node, ReadOnlySpan<char> part, out string? error)
    {
        error = null;
        if (part.SequenceEqual("never executed"))
        {
            node.NeverExecuted = true;
            node.ActualRows = 0;
            node.ActualLoops = 0;
            return true;
        }
        var isActual = part.StartsWith("actual", StringComparison.Ordinal);
        if (isActual) part = part[6..].TrimStart();
        else if (!part.StartsWith("cost=", StringComparison.Ordinal))
        {
            error = "figures are neither cost nor actual";
            return false;
        }
        foreach (var range in part.Split(' '))
        {
            var item = part[range];
            if (item.IsEmpty) continue;
            var eq = item.IndexOf('=');
            if (eq <= 0)
            {
                error = $"malformed figure '{Clip(item)}'";
                return false;
            }
            var key = item[..eq];
            var value = item[(eq + 1)..];
            var ok = key switch
            {
                "cost" when !isActual => TryRange(value, v => node.StartupCost = v, v => node.TotalCost = v),
                "rows" when !isActual => TrySet(value, v => node.PlanRows = v),
                "width" when !isActual => TrySet(value, v => node.PlanWidth = (int)Math.Clamp(v, int.MinValue, int.MaxValue)),
                "time" when isActual => TryRange(value, v => node.ActualStartupTimeMs = v, v => node.ActualTotalTimeMs = v),
                "rows" when isActual => TrySet(value, v => node.ActualRows = v),
                "loops" when isActual => TrySet(value, v => node.ActualLoops = v),
                _ => true, // a figure a newer PostgreSQL added: ignore rather than reject the plan
            };
            if (!ok)
            {
                error = $"malformed figure '{Clip(item)}'";
                return false;
            }
        }
        return true;
    }

    private static bool TrySet(ReadOnlySpan<char> text, Action<double> set)
    {
        if (!TextSyntax.TryNumber(text, out var v) || !IsWholeNumber(text)) return false;
        set(v);
        return true;
    }

    private static bool TryRange(ReadOnlySpan<char> text, Action<double> setStart, Action<double> setEnd)
    {
        var dots = text.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0) return false;
        if (!TextSyntax.TryNumber(text[..dots], out var a) || !IsWholeNumber(text[..dots])) return false;
        if (!TextSyntax.TryNumber(text[(dots + 2)..], out var b) || !IsWholeNumber(text[(dots + 2)..])) return false;
        setStart(a);
        setEnd(b);
        return true;
    }

    // "rows=12abc" is a damaged line, not 12.
    private static bool IsWholeNumber(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiDigit(c) || c is '.' or '-' or '+' or 'e' or 'E')) return false;
        }
        return !text.IsEmpty;
    }

    internal static string Clip(ReadOnlySpan<char> text) => text.Length <= 60 ? text.ToString() : text[..57].ToString() + "...";
}
