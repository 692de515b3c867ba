namespace QueryWatch.Plans;

/// <summary>
/// Reads a plan in either EXPLAIN format, detecting which: JSON when the first non-blank text
/// (after any psql frame) opens a JSON array or object, TEXT otherwise.
/// </summary>
internal static class PlanReader
{
    /// <summary>Reads a plan; throws <see cref="PlanParseException"/> with a one-line reason when the input is not one.</summary>
    public static Plan Read(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return LooksLikeJson(input) ? JsonPlanParser.Parse(input) : TextPlanParser.Parse(input);
    }

    /// <summary>
    /// True when a line opening a JSON array or object (inside psql's bars or a CSV quote) comes
    /// before any line that reads as a plan node; lines of neither kind (the EXPLAIN command, psql's
    /// header, session output) are passed over.
    /// </summary>
    internal static bool LooksLikeJson(string input)
    {
        var lines = input.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].AsSpan().Trim().TrimStart('\uFEFF').TrimStart("|\u2502\"").TrimStart();
            if (line.IsEmpty || line.SequenceEqual("QUERY PLAN") || IsRule(line)) continue;
            if (line[0] is '[' or '{') return true;
            if (Text.PlanLocator.IsRoot(lines, i, out _)) return false;
        }
        return false;
    }

    // psql's line under the header: dashes, with '+' at column joins when borders are on.
    private static bool IsRule(ReadOnlySpan<char> line) => line[0] == '-' && !line.ContainsAnyExcept('-', '+');
}
