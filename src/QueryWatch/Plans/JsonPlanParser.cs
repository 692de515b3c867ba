using System.Buffers;
using System.Text;
using System.Text.Json;

namespace QueryWatch.Plans;

/// <summary>
/// Reads <c>EXPLAIN (FORMAT JSON)</c> output (PostgreSQL 13 to 18) with <see cref="Utf8JsonReader"/>:
/// as the server returns it, or as psql prints it (header, dashes, <c>+</c> continuations, row-count
/// footer). Anything that is not a plan throws <see cref="PlanParseException"/> with the byte offset.
/// </summary>
internal static class JsonPlanParser
{
    /// <summary>Reads the first plan of the input.</summary>
    public static Plan Parse(string json) => ParseString(json, allValues: false)[0];

    /// <summary>Reads the first plan of the input.</summary>
    public static Plan Parse(ReadOnlySpan<byte> utf8Json) => ParseBytes(utf8Json, allValues: false)[0];

    /// <summary>
    /// Reads every plan: each result of the array (one per statement a rule rewrote the query into)
    /// and each further JSON value psql printed after the first (several EXPLAINs pasted together).
    /// </summary>
    public static IReadOnlyList<Plan> ParseAll(string json) => ParseString(json, allValues: true);

    /// <inheritdoc cref="ParseAll(string)"/>
    public static IReadOnlyList<Plan> ParseAll(ReadOnlySpan<byte> utf8Json) => ParseBytes(utf8Json, allValues: true);

    private static List<Plan> ParseString(string json, bool allValues)
    {
        ArgumentNullException.ThrowIfNull(json);
        json = PsqlJsonFrame.UnquoteCsv(json);
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(json));
        try
        {
            var bytes = rented.AsSpan(0, Encoding.UTF8.GetBytes(json, rented));
            PsqlJsonFrame.BlankFrame(bytes);
            PsqlJsonFrame.BlankContinuationMarks(bytes);
            return ParseUnframed(bytes, allValues);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static List<Plan> ParseBytes(ReadOnlySpan<byte> utf8Json, bool allValues)
    {
        if (!PsqlJsonFrame.HasContinuationMarks(utf8Json)) return ParseUnframed(utf8Json, allValues);
        var rented = ArrayPool<byte>.Shared.Rent(utf8Json.Length);
        try
        {
            var bytes = rented.AsSpan(0, utf8Json.Length);
            utf8Json.CopyTo(bytes);
            PsqlJsonFrame.BlankFrame(bytes);
            PsqlJsonFrame.BlankContinuationMarks(bytes);
            return ParseUnframed(bytes, allValues);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static List<Plan> ParseUnframed(ReadOnlySpan<byte> input, bool allValues)
    {
        var plans = new List<Plan>(1);
        var from = 0;
        while (true)
        {
            var start = PsqlJsonFrame.FindJsonStart(input, from);
            if (start < 0)
            {
                if (plans.Count > 0) return plans;
                throw input.Trim(" \t\r\n"u8).IsEmpty
                    ? new PlanParseException("empty input", offset: 0)
                    : new PlanParseException("no JSON array or object found", offset: 0);
            }
            from = start + ReadValue(input[start..], start, plans);
            if (!allValues) return plans;
        }
    }

    /// <returns>The bytes the value took.</returns>
    private static int ReadValue(ReadOnlySpan<byte> json, int offset, List<Plan> plans)
    {
        var reader = new JsonPlanReader(json, offset);
        try
        {
            reader.ReadResults(plans);
            return (int)reader.BytesConsumed;
        }
        catch (JsonException e)
        {
            throw new PlanParseException("malformed JSON: " + FirstSentence(e.Message), offset: offset + OffsetOf(json, e), inner: e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader.GetString on a string that is not valid UTF-8.
            throw new PlanParseException("malformed JSON: " + FirstSentence(e.Message), offset: offset + reader.BytesConsumed, inner: e);
        }
    }

    // JsonException gives a 0-based line and a byte position in it; the contract is one offset.
    private static long OffsetOf(ReadOnlySpan<byte> json, JsonException e)
    {
        long lineStart = 0;
        for (var line = e.LineNumber ?? 0; line > 0; line--)
        {
            var nl = json[(int)lineStart..].IndexOf((byte)'\n');
            if (nl < 0) break;
            lineStart += nl + 1;
        }
        return Math.Min(lineStart + (e.BytePositionInLine ?? 0), json.Length);
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var text = cut > 0 ? message[..cut] : message;
        return text.ReplaceLineEndings(" ").TrimEnd();
    }
}
