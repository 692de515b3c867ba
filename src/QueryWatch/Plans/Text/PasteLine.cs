namespace QueryWatch.Plans.Text;

/// <summary>What a pasted line is once psql's framing is taken off.</summary>
internal enum PasteLineKind
{
    Content,
    Blank,

    /// <summary>psql's <c>QUERY PLAN</c> column header.</summary>
    Header,

    /// <summary>A rule under the header or a border: only <c>-</c>, <c>+</c>, <c>=</c>.</summary>
    Rule,

    /// <summary>The expanded display's <c>-[ RECORD n ]--</c> line between two lines of one plan.</summary>
    Record,

    /// <summary>psql's <c>(N rows)</c> footer.</summary>
    Footer,
}

/// <summary>
/// Takes psql's framing off one pasted line, keeping columns where they were (indentation is depth):
/// <c>\pset border 2</c> bars, the expanded display's <c>QUERY PLAN |</c> prefix, the <c>+</c> that marks a
/// line break inside a cell, and the double quotes a pgAdmin copy wraps each row in.
/// </summary>
internal static class PasteLine
{
    /// <summary>Stands in for a line that <see cref="JoinWrapped"/> joined to the one above it, so line numbers stay the input's.</summary>
    public const string Joined = "\0joined";

    /// <summary>
    /// Undoes <c>\pset format wrapped</c>: psql cuts a line too long for the terminal, ends the piece
    /// with a wrap mark (<c>.</c>, or <c>…</c> with <c>linestyle unicode</c>) and starts the rest with the
    /// same mark where the left margin was (print.c, <c>wrap_right</c>/<c>wrap_left</c>). A plan line never
    /// starts in the margin, so a line starting with the mark under one ending with it is the rest.
    /// </summary>
    public static void JoinWrapped(string[] lines)
    {
        for (var i = lines.Length - 1; i > 0; i--)
        {
            var rest = lines[i].AsSpan().TrimEnd();
            if (rest.IsEmpty || rest[0] is not ('.' or '\u2026')) continue;
            var k = i - 1;
            while (k > 0 && ReferenceEquals(lines[k], Joined)) k--;
            var piece = lines[k].AsSpan().TrimEnd();
            if (piece.IsEmpty || piece[^1] != rest[0]) continue;
            lines[k] = string.Concat(piece[..^1], rest[1..]);
            lines[i] = Joined;
        }
    }

    public static PasteLineKind Clean(string raw, out string text)
    {
        if (ReferenceEquals(raw, Joined))
        {
            text = "";
            return PasteLineKind.Record;
        }
        var span = raw.AsSpan().TrimEnd();
        // A grid copied from a GUI client ends every row with its column separator.
        if (span.Length > 1 && span[^1] == '|' && span.TrimStart()[0] != '|') span = span[..^1].TrimEnd();
        var lead = TextSyntax.Indent(span);
        var body = span[lead..];

        if (body.StartsWith("QUERY PLAN |", StringComparison.Ordinal) || body.StartsWith("QUERY PLAN|", StringComparison.Ordinal))
        {
            var bar = body.IndexOf('|');
            text = new string(' ', lead + bar + 1) + body[(bar + 1)..].ToString();
            return Classify(text, out text);
        }
        if (body.Length > 0 && body[0] is '|' or '\u2502')
        {
            body = body[1..];
            if (body.Length > 0 && body[^1] is '|' or '\u2502') body = body[..^1];
            text = new string(' ', lead + 1) + body.TrimEnd().ToString();
            return Classify(text, out text);
        }
        if (body.Length >= 2 && body[0] == '"' && body[^1] == '"')
        {
            text = new string(' ', lead + 1) + body[1..^1].ToString().Replace("\"\"", "\"", StringComparison.Ordinal);
            return Classify(text, out text);
        }
        return Classify(span.ToString(), out text);
    }

    private static PasteLineKind Classify(string line, out string text)
    {
        var span = line.AsSpan().TrimEnd();
        // psql marks a newline inside a cell with a '+' after the padding (right after the text when it fills the column).
        if (span.Length >= 2 && span[^1] == '+' && span[^2] is ' ' or ')') span = span[..^1].TrimEnd();
        // linestyle unicode marks it with '↵' instead.
        else if (span.Length >= 1 && span[^1] == '\u21B5') span = span[..^1].TrimEnd();
        text = span.ToString();
        var body = span.TrimStart();
        if (body.IsEmpty) return PasteLineKind.Blank;
        if (body.SequenceEqual("QUERY PLAN")) return PasteLineKind.Header;
        if (body.StartsWith("-[ RECORD ", StringComparison.Ordinal)) return PasteLineKind.Record;
        if (body.Length >= 3 && body.IndexOfAnyExcept("-+=|\u2500\u2502\u253C\u251C\u2524\u250C\u2510\u2514\u2518\u252C\u2534") < 0) return PasteLineKind.Rule;
        if (IsFooter(body)) return PasteLineKind.Footer;
        return PasteLineKind.Content;
    }

    private static bool IsFooter(ReadOnlySpan<char> body)
    {
        if (body.Length < 7 || body[0] != '(' || body[^1] != ')') return false;
        var inner = body[1..^1];
        var space = inner.IndexOf(' ');
        if (space <= 0) return false;
        foreach (var c in inner[..space]) if (!char.IsAsciiDigit(c)) return false;
        return inner[(space + 1)..] is "rows" or "row";
    }
}
