namespace QueryWatch.Plans;

/// <summary>Reads <c>EXPLAIN (FORMAT JSON)</c> output (PostgreSQL 13 to 18) with <see cref="System.Text.Json.Utf8JsonReader"/>.</summary>
internal static class JsonPlanParser
{
    public static Plan Parse(string json) => throw new NotImplementedException();

    public static Plan Parse(ReadOnlySpan<byte> utf8Json) => throw new NotImplementedException();
}
