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

    /// <summary>True when the first line that is not blank nor psql's <c>QUERY PLAN</c> header or dashes line opens a JSON array or object.</summary>
    internal static bool LooksLikeJson(string input)
    {
        var rest = input.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf('\n');
            var line = (end < 0 ? rest : rest[..end]).Trim().TrimStart('\uFEFF').TrimStart();
            rest = end < 0 ? default : rest[(end + 1)..];
            if (line.IsEmpty || line.SequenceEqual("QUERY PLAN") || IsRule(line)) continue;
            return line[0] is '[' or '{';
        }
        return false;
    }

    // psql's line under the header: dashes, with '+' at column joins when borders are on.
    private static bool IsRule(ReadOnlySpan<char> line) => line[0] == '-' && !line.ContainsAnyExcept('-', '+');
}
