using System.Text;
using System.Text.Json;

namespace QueryWatch.Tests.Plans.Json;

/// <summary>
/// Deterministic EXPLAIN (ANALYZE, BUFFERS, VERBOSE, FORMAT JSON)-shaped plans of any size, laid
/// out as PostgreSQL indents them. Shared with the benchmarks (linked there), so both measure the same input.
/// </summary>
internal static class SyntheticJsonPlan
{
    private static readonly string[] Leaves = ["Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"];
    private static readonly string[] Joins = ["Hash Join", "Nested Loop", "Merge Join"];

    /// <summary>A balanced plan of exactly <paramref name="nodeCount"/> nodes; <paramref name="filterPadding"/> lengthens every Filter to grow the bytes, not the nodes.</summary>
    public static byte[] Generate(int nodeCount, int filterPadding = 0)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, MaxDepth = 4096 }))
        {
            var id = 0;
            w.WriteStartArray();
            w.WriteStartObject();
            w.WritePropertyName("Plan");
            WriteNode(w, nodeCount, null, ref id, filterPadding);
            w.WriteStartObject("Planning");
            WriteBuffers(w, 41);
            w.WriteEndObject();
            w.WriteNumber("Planning Time", 1.234);
            w.WriteStartArray("Triggers");
            w.WriteEndArray();
            w.WriteNumber("Execution Time", 812.5);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        return stream.ToArray();
    }

    /// <summary>A chain of <paramref name="depth"/> nested nodes, each the only child of the one above.</summary>
    public static string GenerateChain(int depth)
    {
        var sb = new StringBuilder("[{\"Plan\":");
        for (var i = 0; i < depth; i++) sb.Append("{\"Node Type\":\"Materialize\",\"Plans\":[");
        sb.Append("{\"Node Type\":\"Result\"}");
        for (var i = 0; i < depth; i++) sb.Append("]}");
        sb.Append("}]");
        return sb.ToString();
    }

    private static void WriteNode(Utf8JsonWriter w, int count, string? relationship, ref int id, int filterPadding)
    {
        var n = id++;
        var type = count == 1 ? Leaves[n % Leaves.Length] : count == 2 ? (n % 2 == 0 ? "Hash" : "Sort") : Joins[n % Joins.Length];
        var loops = 1 + (n % 3);
        w.WriteStartObject();
        w.WriteString("Node Type", type);
        if (relationship is not null) w.WriteString("Parent Relationship", relationship);
        w.WriteBoolean("Parallel Aware", n % 5 == 0);
        w.WriteBoolean("Async Capable", false);
        if (count == 1)
        {
            w.WriteString("Relation Name", "table_" + (n % 40));
            w.WriteString("Schema", "public");
            w.WriteString("Alias", "t" + n);
            if (type != "Seq Scan") w.WriteString("Index Name", "ix_table_" + (n % 40) + "_key");
        }
        else if (count > 2)
        {
            w.WriteString("Join Type", n % 4 == 0 ? "Left" : "Inner");
        }
        w.WriteNumber("Startup Cost", Math.Round(n * 0.37, 2));
        w.WriteNumber("Total Cost", Math.Round(n * 12.51 + 100, 2));
        w.WriteNumber("Plan Rows", 100 + (n * 37 % 5000));
        w.WriteNumber("Plan Width", 8 + (n % 64));
        w.WriteNumber("Actual Startup Time", Math.Round(n * 0.013, 3));
        w.WriteNumber("Actual Total Time", Math.Round(n * 0.291 + 1, 3));
        w.WriteNumber("Actual Rows", 50 + (n * 53 % 9000));
        w.WriteNumber("Actual Loops", loops);
        w.WriteStartArray("Output");
        for (var i = 0; i < 4; i++) w.WriteStringValue($"t{n}.column_{i}");
        w.WriteEndArray();
        if (count == 1)
        {
            w.WriteString("Filter", $"((t{n}.status = 'active'::text) AND (t{n}.amount > {n}){new string(' ', filterPadding)})");
            w.WriteNumber("Rows Removed by Filter", n * 11 % 4000);
        }
        else if (type == "Sort")
        {
            w.WriteStartArray("Sort Key");
            w.WriteStringValue($"t{n}.created_at DESC");
            w.WriteEndArray();
            w.WriteString("Sort Method", "quicksort");
            w.WriteString("Sort Space Type", "Memory");
            w.WriteNumber("Sort Space Used", 25 + n % 100);
        }
        else if (type == "Hash")
        {
            w.WriteNumber("Hash Buckets", 1024);
            w.WriteNumber("Original Hash Buckets", 1024);
            w.WriteNumber("Hash Batches", 1);
            w.WriteNumber("Original Hash Batches", 1);
            w.WriteNumber("Peak Memory Usage", 9 + n % 50);
        }
        else
        {
            w.WriteString(type == "Hash Join" ? "Hash Cond" : type == "Merge Join" ? "Merge Cond" : "Join Filter", $"(t{n}.id = t{n + 1}.parent_id)");
        }
        WriteBuffers(w, n);
        if (n % 5 == 0)
        {
            w.WriteStartArray("Workers");
            for (var k = 0; k < 2; k++)
            {
                w.WriteStartObject();
                w.WriteNumber("Worker Number", k);
                w.WriteNumber("Actual Startup Time", 0.5 + k);
                w.WriteNumber("Actual Total Time", 10.25 + k);
                w.WriteNumber("Actual Rows", 1000 + k);
                w.WriteNumber("Actual Loops", 1);
                WriteBuffers(w, n + k);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (count > 1)
        {
            w.WriteStartArray("Plans");
            if (count == 2)
            {
                WriteNode(w, 1, "Outer", ref id, filterPadding);
            }
            else
            {
                var left = (count - 1) / 2;
                WriteNode(w, left, "Outer", ref id, filterPadding);
                WriteNode(w, count - 1 - left, "Inner", ref id, filterPadding);
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteBuffers(Utf8JsonWriter w, int n)
    {
        w.WriteNumber("Shared Hit Blocks", n * 7 % 1000);
        w.WriteNumber("Shared Read Blocks", n % 13);
        w.WriteNumber("Shared Dirtied Blocks", 0);
        w.WriteNumber("Shared Written Blocks", 0);
        w.WriteNumber("Local Hit Blocks", 0);
        w.WriteNumber("Local Read Blocks", 0);
        w.WriteNumber("Local Dirtied Blocks", 0);
        w.WriteNumber("Local Written Blocks", 0);
        w.WriteNumber("Temp Read Blocks", 0);
        w.WriteNumber("Temp Written Blocks", 0);
    }
}
