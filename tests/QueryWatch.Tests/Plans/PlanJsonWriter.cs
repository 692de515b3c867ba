using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans;

/// <summary>
/// Writes a plan back out as PostgreSQL's <c>EXPLAIN (FORMAT JSON)</c> would print it, with the
/// model's JSON property names. Test-only: it gives the seed incidents, which exist only as TEXT,
/// a JSON form to run through the JSON reader.
/// </summary>
internal static class PlanJsonWriter
{
    public static string Write(Plan plan)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            json.WriteStartObject();
            json.WritePropertyName("Plan");
            WriteNode(json, plan.Root);
            Number(json, "Planning Time", plan.PlanningTimeMs);
            Number(json, "Execution Time", plan.ExecutionTimeMs);
            if (plan.Settings.Count > 0)
            {
                json.WriteStartObject("Settings");
                foreach (var (name, value) in plan.Settings) json.WriteString(name, value);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNode(Utf8JsonWriter json, PlanNode n)
    {
        json.WriteStartObject();
        json.WriteString("Node Type", n.NodeType);
        Text(json, "Strategy", n.Strategy);
        Text(json, "Partial Mode", n.PartialMode);
        Text(json, "Operation", n.Operation);
        Text(json, "Parent Relationship", n.ParentRelationship);
        Text(json, "Subplan Name", n.SubplanName);
        json.WriteBoolean("Parallel Aware", n.ParallelAware);
        Text(json, "Scan Direction", n.ScanDirection);
        Text(json, "Index Name", n.IndexName);
        Text(json, "Relation Name", n.RelationName);
        Text(json, "Schema", n.Schema);
        Text(json, "Function Name", n.FunctionName);
        Text(json, "CTE Name", n.CteName);
        Text(json, "Alias", n.Alias);
        Text(json, "Join Type", n.JoinType);
        if (n.InnerUnique is { } unique) json.WriteBoolean("Inner Unique", unique);
        Number(json, "Startup Cost", n.StartupCost);
        Number(json, "Total Cost", n.TotalCost);
        Number(json, "Plan Rows", n.PlanRows);
        Number(json, "Plan Width", n.PlanWidth);
        Number(json, "Actual Startup Time", n.ActualStartupTimeMs);
        Number(json, "Actual Total Time", n.ActualTotalTimeMs);
        Number(json, "Actual Rows", n.ActualRows);
        Number(json, "Actual Loops", n.NeverExecuted ? 0 : n.ActualLoops);
        List(json, "Output", n.Output);
        List(json, "Sort Key", n.SortKey);
        List(json, "Presorted Key", n.PresortedKey);
        List(json, "Group Key", n.GroupKey);
        Text(json, "Filter", n.Filter);
        Text(json, "Index Cond", n.IndexCond);
        Text(json, "Recheck Cond", n.RecheckCond);
        Text(json, "Join Filter", n.JoinFilter);
        Text(json, "Hash Cond", n.HashCond);
        Text(json, "Merge Cond", n.MergeCond);
        Text(json, "One-Time Filter", n.OneTimeFilter);
        Text(json, "TID Cond", n.TidCond);
        Number(json, "Rows Removed by Filter", n.RowsRemovedByFilter);
        Number(json, "Rows Removed by Join Filter", n.RowsRemovedByJoinFilter);
        Number(json, "Rows Removed by Index Recheck", n.RowsRemovedByIndexRecheck);
        Number(json, "Heap Fetches", n.HeapFetches);
        Text(json, "Sort Method", n.SortMethod);
        Text(json, "Sort Space Type", n.SortSpaceType);
        Number(json, "Sort Space Used", n.SortSpaceUsedKb);
        Number(json, "Hash Buckets", n.HashBuckets);
        Number(json, "Original Hash Buckets", n.OriginalHashBuckets);
        Number(json, "Hash Batches", n.HashBatches);
        Number(json, "Original Hash Batches", n.OriginalHashBatches);
        Number(json, "Peak Memory Usage", n.PeakMemoryUsageKb);
        Number(json, "HashAgg Batches", n.HashAggBatches);
        Number(json, "Disk Usage", n.DiskUsageKb);
        Number(json, "Exact Heap Blocks", n.ExactHeapBlocks);
        Number(json, "Lossy Heap Blocks", n.LossyHeapBlocks);
        Number(json, "Workers Planned", n.WorkersPlanned);
        Number(json, "Workers Launched", n.WorkersLaunched);
        if (n.Buffers is { } b)
        {
            json.WriteNumber("Shared Hit Blocks", b.SharedHit);
            json.WriteNumber("Shared Read Blocks", b.SharedRead);
            json.WriteNumber("Shared Dirtied Blocks", b.SharedDirtied);
            json.WriteNumber("Shared Written Blocks", b.SharedWritten);
            json.WriteNumber("Temp Read Blocks", b.TempRead);
            json.WriteNumber("Temp Written Blocks", b.TempWritten);
            Number(json, "I/O Read Time", b.IoReadTimeMs);
            Number(json, "I/O Write Time", b.IoWriteTimeMs);
        }
        foreach (var (name, value) in n.Extra) json.WriteString(name, value);
        if (n.Children.Count > 0)
        {
            json.WriteStartArray("Plans");
            foreach (var child in n.Children) WriteNode(json, child);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static void Text(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null) json.WriteString(name, value);
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v) json.WriteNumber(name, v);
    }

    private static void List(Utf8JsonWriter json, string name, IReadOnlyList<string>? values)
    {
        if (values is null) return;
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
