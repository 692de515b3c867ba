namespace QueryWatch.Plans.Text;

/// <summary>Finds where a plan starts in pasted text: a line that reads as a node with figures, or a known node type heading indented lines.</summary>
internal static class PlanLocator
{
    public static bool IsRoot(string[] lines, int index, out int column)
    {
        column = 0;
        if (PasteLine.Clean(lines[index], out var text) != PasteLineKind.Content) return false;
        column = TextSyntax.Indent(text);
        var body = text.AsSpan(column);
        if (body.StartsWith("->", StringComparison.Ordinal)) body = body[2..].TrimStart();
        if (body.IsEmpty || !char.IsAsciiLetter(body[0])) return false;
        if (NodeLineParser.HasFigures(body))
        {
            var nameEnd = NodeLineParser.NameEnd(body);
            // Prose can mention "(cost=" too; a node name is short and has no sentence punctuation.
            return nameEnd <= 200 && body[..nameEnd].IndexOfAny(":;=") < 0 && NodeLineParser.TryParse(body, out _) is not null;
        }
        // COSTS OFF: a bare node name, believed only when indented plan lines follow.
        if (!NodeNameParser.IsKnown(body) || body.IndexOfAny(":;,.!?") >= 0 && !body.Contains(" on ", StringComparison.Ordinal)) return false;
        if (index + 1 >= lines.Length || PasteLine.Clean(lines[index + 1], out var next) != PasteLineKind.Content) return false;
        var nextColumn = TextSyntax.Indent(next);
        var nextBody = next.AsSpan(nextColumn);
        return nextColumn > column && (nextBody.StartsWith("->", StringComparison.Ordinal) || nextBody.IndexOf(": ", StringComparison.Ordinal) > 0);
    }
}
