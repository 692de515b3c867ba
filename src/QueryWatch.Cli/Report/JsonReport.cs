using System.Globalization;
using System.Text;
using System.Text.Json;
using QueryWatch.Explain.Store;

namespace QueryWatch.Cli.Report;

/// <summary>
/// <c>querywatch report --format json</c>: DESIGN.md's contract, <c>{"findings":[{"ruleId",...,"suggestion"}]}</c>, most
/// costly first, an absent figure as null; after the contract's fields each finding has its <c>costMs</c> (the ranking
/// key) and <c>node</c>, and the object the period it covers.
/// </summary>
internal static class JsonReport
{
    public static string Render(IReadOnlyList<FleetFinding> findings, DateTimeOffset since, DateTimeOffset generatedAt)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = CliJson.Encoder }))
        {
            json.WriteStartObject();
            json.WriteStartArray("findings");
            foreach (var f in findings)
            {
                json.WriteStartObject();
                json.WriteString("ruleId", f.RuleId);
                json.WriteString("ruleName", f.RuleName);
                json.WriteString("severity", f.Severity);
                json.WriteString("fingerprint", f.Fingerprint);
                if (f.QueryId is null) json.WriteNull("queryId");
                else json.WriteString("queryId", f.QueryId);
                json.WriteString("sql", f.Sql);
                json.WriteNumber("count", f.Count);
                json.WriteNumber("slowCount", f.SlowCount);
                json.WriteNumber("cancelledCount", f.CancelledCount);
                json.WriteNumber("timedOutCount", f.TimedOutCount);
                json.WriteNumber("instances", f.Instances);
                json.WriteNumber("capturedMs", Math.Round(f.CapturedMs, 3));
                if (f.Calls is { } calls) json.WriteNumber("calls", calls);
                else json.WriteNull("calls");
                if (f.TotalTimeMs is { } total) json.WriteNumber("totalTimeMs", Math.Round(total, 3));
                else json.WriteNull("totalTimeMs");
                json.WriteString("firstSeen", Timestamp(f.FirstSeen));
                json.WriteString("lastSeen", Timestamp(f.LastSeen));
                json.WriteString("message", f.Message);
                json.WriteString("suggestion", f.Suggestion);
                json.WriteNumber("costMs", Math.Round(f.CostMs, 3));
                if (f.Node is null) json.WriteNull("node");
                else json.WriteString("node", f.Node);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("since", Timestamp(since));
            json.WriteString("generatedAt", Timestamp(generatedAt));
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    /// <summary>ISO 8601 in UTC, to the millisecond.</summary>
    internal static string Timestamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
