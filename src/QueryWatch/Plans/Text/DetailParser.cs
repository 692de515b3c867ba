using System.Globalization;

namespace QueryWatch.Plans.Text;

/// <summary>
/// Turns one TEXT detail line (<c>Key: value</c>) into the JSON properties EXPLAIN would print for
/// the same figures, e.g. <c>Buckets: 1024 (originally 512)  Batches: 1  Memory Usage: 9kB</c> into
/// <c>Hash Buckets</c>, <c>Original Hash Buckets</c>, <c>Hash Batches</c>, <c>Original Hash Batches</c>
/// and <c>Peak Memory Usage</c>. Numbers come out as invariant text without units (kB, ms).
/// The layouts are explain.c's show_sort_info, show_hash_info, show_hashagg_info, show_memoize_info,
/// show_tidbitmap_info, show_buffer_usage and show_wal_usage.
/// </summary>
internal static class DetailParser
{
    /// <summary>Keys whose line holds several <c>Key: value</c> segments separated by two spaces.</summary>
    private static bool IsSegmented(string key) => key is "Sort Method" or "Buckets" or "Batches" or "Hits" or "Storage"
        or "Planned Partitions";

    /// <summary>Expands a detail line into JSON name/value pairs. <paramref name="nodeType"/> disambiguates <c>Batches</c>.</summary>
    public static void Expand(string key, string value, string nodeType, List<KeyValuePair<string, string>> output)
    {
        switch (key)
        {
            case "Buffers":
                ExpandBuffers(value, output);
                return;
            case "I/O Timings":
                ExpandIoTimings(value, output);
                return;
            case "Heap Blocks":
                foreach (var (k, v) in KeyEquals(value))
                {
                    if (k == "exact") output.Add(new("Exact Heap Blocks", v));
                    else if (k == "lossy") output.Add(new("Lossy Heap Blocks", v));
                    else output.Add(new("Heap Blocks " + k, v));
                }
                return;
            case "Sampling":
                ExpandSampling(value, output);
                return;
            case "WAL":
                foreach (var (k, v) in KeyEquals(value))
                    output.Add(new(k switch { "records" => "WAL Records", "fpi" => "WAL FPI", "bytes" => "WAL Bytes", _ => "WAL " + k }, v));
                return;
        }
        if (!IsSegmented(key))
        {
            output.Add(new(key, value));
            return;
        }
        foreach (var (segmentKey, segmentValue) in Segments(key, value))
            ExpandSegment(segmentKey, segmentValue, key, nodeType, output);
    }

    private static void ExpandSegment(string key, string value, string lineKey, string nodeType, List<KeyValuePair<string, string>> output)
    {
        switch (key)
        {
            case "Sort Method": output.Add(new("Sort Method", value)); break;
            case "Memory" or "Disk" when lineKey == "Sort Method":
                output.Add(new("Sort Space Type", key));
                output.Add(new("Sort Space Used", Number(value)));
                break;
            case "Buckets": Originally(value, "Hash Buckets", "Original Hash Buckets", output); break;
            case "Batches" when lineKey == "Buckets" || nodeType == "Hash":
                Originally(value, "Hash Batches", "Original Hash Batches", output);
                break;
            case "Batches": output.Add(new("HashAgg Batches", Number(value))); break;
            case "Memory Usage": output.Add(new("Peak Memory Usage", Number(value))); break;
            case "Disk Usage": output.Add(new("Disk Usage", Number(value))); break;
            case "Hits" or "Misses" or "Evictions" or "Overflows": output.Add(new("Cache " + key, Number(value))); break;
            case "Maximum Storage": output.Add(new(key, Number(value))); break;
            default: output.Add(new(key, value)); break;
        }
    }

    // "1024 (originally 512)"; JSON prints the original figure even when it did not change.
    private static void Originally(string value, string name, string originalName, List<KeyValuePair<string, string>> output)
    {
        var span = value.AsSpan();
        var open = span.IndexOf("(originally ", StringComparison.Ordinal);
        var now = Number(open < 0 ? span : span[..open]);
        output.Add(new(name, now));
        output.Add(new(originalName, open < 0 ? now : Number(span[(open + 12)..].TrimEnd(')'))));
    }

    /// <summary>"Sort Method: quicksort  Memory: 25kB" → (Sort Method, quicksort), (Memory, 25kB).</summary>
    private static IEnumerable<(string Key, string Value)> Segments(string firstKey, string value)
    {
        var key = firstKey;
        var rest = value;
        while (true)
        {
            var cut = NextSegment(rest, out var nextKey, out var nextValueStart);
            if (cut < 0)
            {
                yield return (key, rest.Trim());
                yield break;
            }
            yield return (key, rest[..cut].Trim());
            key = nextKey!;
            rest = rest[nextValueStart..];
        }
    }

    // A segment starts after two or more spaces with "Word Words: ".
    private static int NextSegment(string text, out string? key, out int valueStart)
    {
        key = null;
        valueStart = 0;
        var i = text.IndexOf("  ", StringComparison.Ordinal);
        while (i >= 0)
        {
            var start = i;
            while (start < text.Length && text[start] == ' ') start++;
            var colon = text.IndexOf(": ", start, StringComparison.Ordinal);
            var next = text.IndexOf("  ", start, StringComparison.Ordinal);
            if (colon > start && (next < 0 || colon < next))
            {
                key = text[start..colon];
                valueStart = colon + 2;
                return i;
            }
            i = next;
        }
        return -1;
    }

    /// <summary>
    /// "bernoulli ('10'::real) REPEATABLE ('42'::double precision)" (show_tablesample) into JSON's
    /// Sampling Method, Sampling Parameters and Repeatable Seed.
    /// </summary>
    private static void ExpandSampling(string value, List<KeyValuePair<string, string>> output)
    {
        var open = value.IndexOf(" (", StringComparison.Ordinal);
        if (open < 0)
        {
            output.Add(new("Sampling Method", value.Trim()));
            return;
        }
        output.Add(new("Sampling Method", value[..open].Trim()));
        var repeatable = value.LastIndexOf(" REPEATABLE (", StringComparison.Ordinal);
        var parameters = repeatable > open ? value[(open + 2)..repeatable] : value[(open + 2)..];
        parameters = parameters.TrimEnd().TrimEnd(')');
        // The JSON reader keeps an unmodelled list joined by ", " (PlanNodeProperties.SetList); do the same.
        var items = TextSyntax.SplitTopLevel(parameters);
        for (var k = 0; k < items.Count; k++) items[k] = items[k].Trim();
        output.Add(new("Sampling Parameters", string.Join(", ", items)));
        if (repeatable > open)
            output.Add(new("Repeatable Seed", value[(repeatable + 13)..].TrimEnd().TrimEnd(')')));
    }

    /// <summary>"shared hit=1 read=2, local hit=3, temp read=5 written=6" (show_buffer_usage).</summary>
    private static void ExpandBuffers(string value, List<KeyValuePair<string, string>> output)
    {
        foreach (var group in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var space = group.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0) continue;
            var scope = group[..space] switch { "shared" => "Shared", "local" => "Local", "temp" => "Temp", var s => s };
            foreach (var (k, v) in KeyEquals(group[(space + 1)..]))
                output.Add(new($"{scope} {Capitalize(k)} Blocks", v));
        }
    }

    /// <summary>"read=1.2 write=3.4" (PostgreSQL 13-16) or "shared read=1.2, local read=.., temp read=.." (17+).</summary>
    private static void ExpandIoTimings(string value, List<KeyValuePair<string, string>> output)
    {
        foreach (var group in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var prefix = "";
            var pairs = group;
            var space = group.IndexOf(' ', StringComparison.Ordinal);
            var eq = group.IndexOf('=', StringComparison.Ordinal);
            if (space >= 0 && (eq < 0 || space < eq))
            {
                prefix = group[..space] switch { "shared" => "Shared ", "local" => "Local ", "temp" => "Temp ", var s => s + " " };
                pairs = group[(space + 1)..];
            }
            foreach (var (k, v) in KeyEquals(pairs))
                output.Add(new($"{prefix}I/O {Capitalize(k)} Time", v));
        }
    }

    private static IEnumerable<(string Key, string Value)> KeyEquals(string text)
    {
        foreach (var item in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) yield return (item[..eq], item[(eq + 1)..]);
        }
    }

    private static string Capitalize(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    private static string Number(ReadOnlySpan<char> text) =>
        TextSyntax.TryNumber(text, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : text.Trim().ToString();
}
