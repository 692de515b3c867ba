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
        // COSTS OFF: a bare node name, believed only when plan lines follow it (a blank line
        // between each line of a double-spaced paste does not count), or when it stands alone
        // between psql's header and footer.
        if (!NodeNameParser.IsKnown(body) || body.IndexOfAny(":;,.!?") >= 0 && !body.Contains(" on ", StringComparison.Ordinal)) return false;
        var next = NextKind(lines, index, +1, out var nextText);
        if (next == PasteLineKind.Content)
        {
            var nextColumn = TextSyntax.Indent(nextText);
            var nextBody = nextText.AsSpan(nextColumn);
            if (nextColumn > column) return IsPlanLine(nextBody);
            return nextColumn == column && PlanTreeBuilder.IsTopLevelKey(nextBody) && NextKind(lines, index, -1, out _) is PasteLineKind.Header or PasteLineKind.Rule or PasteLineKind.Blank;
        }
        // One node, nothing under it: only between psql's frame, or as the whole paste.
        return next is PasteLineKind.Footer or PasteLineKind.Blank or PasteLineKind.Rule && NextKind(lines, index, -1, out _) is PasteLineKind.Header or PasteLineKind.Rule or PasteLineKind.Blank;
    }

    /// <summary>
    /// True when a line under a node is plausibly part of the plan: a child, a labelled subplan,
    /// a partition target of a ModifyTable, or a <c>Key: value</c> detail.
    /// </summary>
    public static bool IsPlanLine(ReadOnlySpan<char> body) =>
        body.StartsWith("->", StringComparison.Ordinal) || body.IndexOf(": ", StringComparison.Ordinal) > 0 || body.EndsWith(":", StringComparison.Ordinal)
        || IsLabel(body) || PlanTreeBuilder.IsTargetLine(body);

    /// <summary><c>InitPlan 1</c>, <c>SubPlan 2</c>, <c>CTE name</c>: the line that names the next child.</summary>
    public static bool IsLabel(ReadOnlySpan<char> body) =>
        (StartsWithNumbered(body, "SubPlan ") || StartsWithNumbered(body, "InitPlan ")
            || body.StartsWith("CTE ", StringComparison.Ordinal)) && body.IndexOf(": ", StringComparison.Ordinal) < 0;

    /// <summary>
    /// True when a line that is not part of any plan read still looks like one: a child's arrow,
    /// a node line with figures, or a subplan label. Such a line means the tree was misread.
    /// </summary>
    public static bool LooksLikePlan(string line)
    {
        if (PasteLine.Clean(line, out var text) != PasteLineKind.Content) return false;
        var body = text.AsSpan(TextSyntax.Indent(text));
        if (body.StartsWith("->", StringComparison.Ordinal) || IsLabel(body)) return true;
        return NodeLineParser.HasFigures(body) && NodeLineParser.NameEnd(body) <= 200 && body[..NodeLineParser.NameEnd(body)].IndexOfAny(":;=") < 0
            && NodeLineParser.TryParse(body, out _) is not null;
    }

    private static bool StartsWithNumbered(ReadOnlySpan<char> body, string prefix) =>
        body.StartsWith(prefix, StringComparison.Ordinal) && body.Length > prefix.Length && char.IsAsciiDigit(body[prefix.Length]);

    // The nearest line above (-1) or below (+1) that is not blank, or Blank at either end of the input.
    private static PasteLineKind NextKind(string[] lines, int index, int step, out string text)
    {
        text = "";
        for (var k = index + step; k >= 0 && k < lines.Length; k += step)
        {
            var kind = PasteLine.Clean(lines[k], out text);
            if (kind is not (PasteLineKind.Blank or PasteLineKind.Record)) return kind;
        }
        return PasteLineKind.Blank;
    }
}
