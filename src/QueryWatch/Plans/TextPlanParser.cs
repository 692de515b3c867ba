namespace QueryWatch.Plans;

/// <summary>Reads what psql prints for <c>EXPLAIN</c> in TEXT format, paste noise and all.</summary>
internal static class TextPlanParser
{
    public static Plan Parse(string text) => throw new NotImplementedException();
}
