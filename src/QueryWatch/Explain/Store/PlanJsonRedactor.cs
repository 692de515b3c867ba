using System.Text.Json;
using System.Text.Json.Nodes;

namespace QueryWatch.Explain.Store;

/// <summary>
/// A plan in PostgreSQL's JSON format with every literal of every text value replaced (<see cref="FindingRedactor.RedactSql"/>:
/// <c>(note = '…'::text)</c>), for the Store and the report: property names, node types, relation and index names and
/// the plan's own figures (numbers) stay. Text that is not SQL loses at most a number it held, never keeps a value.
/// </summary>
internal static class PlanJsonRedactor
{
    private static readonly JsonSerializerOptions s_options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The redacted JSON, compact; null when <paramref name="json"/> is not JSON.</summary>
    public static string? Redact(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }

        if (root is null) return null;
        root = Walk(root);
        // As the CLI writes JSON: '…' stays readable rather than \u0027\u2026\u0027; nothing here goes into HTML unescaped.
        return root.ToJsonString(s_options);
    }

    private static JsonNode Walk(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (obj[name] is { } child && Walk(child) is var redacted && !ReferenceEquals(redacted, child)) obj[name] = redacted;
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } child && Walk(child) is var redacted && !ReferenceEquals(redacted, child)) array[i] = redacted;
                }
                return array;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return JsonValue.Create(FindingRedactor.RedactSql(value.GetValue<string>()));
            default:
                return node;
        }
    }
}
