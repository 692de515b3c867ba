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

    internal static bool LooksLikeJson(string input)
    {
        throw new NotImplementedException();
    }
}
