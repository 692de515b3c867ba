using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace QueryWatch.Plans;

/// <summary>
/// Maps UTF-8 bytes of the property names and short values EXPLAIN repeats on every node to one
/// shared string each, so reading a plan allocates no string for a name and none for
/// <c>"Outer"</c> or <c>"Seq Scan"</c>. Names PostgreSQL adds later still work: they miss here and
/// are allocated.
/// </summary>
internal static class Utf8NameTable
{
    private static readonly string[] Known =
    [
        // statement level (explain.c ExplainPrintPlan / ExplainOnePlan)
        "Plan", "Planning", "Planning Time", "Execution Time", "Triggers", "JIT", "Settings", "Query Identifier",
        "Serialization",
        // triggers
        "Trigger Name", "Constraint Name", "Relation", "Time", "Calls",
        // JIT
        "Functions", "Options", "Timing", "Generation", "Inlining", "Optimization", "Emission", "Total", "Deform",
        "Expressions", "Deforming", "Worker Number",
        // node properties
        "Plans", "Workers", "Node Type", "Strategy", "Partial Mode", "Operation", "Command", "Parent Relationship",
        "Subplan Name", "Parallel Aware", "Async Capable", "Relation Name", "Schema", "Alias", "Index Name",
        "Function Name", "CTE Name", "Scan Direction", "Join Type", "Inner Unique", "Startup Cost", "Total Cost",
        "Plan Rows", "Plan Width", "Actual Startup Time", "Actual Total Time", "Actual Rows", "Actual Loops",
        "Filter", "Index Cond", "Recheck Cond", "Join Filter", "Hash Cond", "Merge Cond", "One-Time Filter",
        "TID Cond", "Sort Key", "Presorted Key", "Group Key", "Group Keys", "Grouping Sets", "Hash Keys", "Output",
        "Rows Removed by Filter", "Rows Removed by Join Filter", "Rows Removed by Index Recheck", "Heap Fetches",
        "Sort Method", "Sort Space Type", "Sort Space Used", "Hash Buckets", "Original Hash Buckets",
        "Hash Batches", "Original Hash Batches", "Peak Memory Usage", "HashAgg Batches", "Disk Usage",
        "Exact Heap Blocks", "Lossy Heap Blocks", "Workers Planned", "Workers Launched", "Single Copy",
        "Cache Key", "Cache Mode", "Cache Hits", "Cache Misses", "Cache Evictions", "Cache Overflows",
        "Index Searches", "Storage", "Maximum Storage", "Conflict Resolution", "Conflict Arbiter Indexes",
        "Tuples Inserted", "Conflicting Tuples", "Sampling Method", "Repeatable Seed", "Table Function Name",
        "Full-sort Groups", "Pre-sorted Groups", "Sort Methods Used", "Sort Space Memory", "Sort Space Disk",
        "Group Count", "Average Sort Space Used", "Peak Sort Space Used", "Planned Partitions",
        "Subplans Removed", "Target Tables",
        // buffers (BufferCounts) and PostgreSQL 17's I/O timings
        "Shared Hit Blocks", "Shared Read Blocks", "Shared Dirtied Blocks", "Shared Written Blocks",
        "Local Hit Blocks", "Local Read Blocks", "Local Dirtied Blocks", "Local Written Blocks",
        "Temp Read Blocks", "Temp Written Blocks", "I/O Read Time", "I/O Write Time", "Shared I/O Read Time",
        "Shared I/O Write Time", "Local I/O Read Time", "Local I/O Write Time", "Temp I/O Read Time",
        "Temp I/O Write Time", "WAL Records", "WAL FPI", "WAL Bytes", "WAL Buffers Full",
        // frequent values
        "Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Bitmap Index Scan", "BitmapAnd",
        "BitmapOr", "Tid Scan", "Tid Range Scan", "Subquery Scan", "Function Scan", "Values Scan", "CTE Scan",
        "WorkTable Scan", "Named Tuplestore Scan", "Table Function Scan", "Foreign Scan", "Custom Scan",
        "Sample Scan", "Nested Loop", "Hash Join", "Merge Join", "Hash", "Sort", "Incremental Sort", "Aggregate",
        "Group", "Unique", "Limit", "Gather", "Gather Merge", "Append", "Merge Append", "Recursive Union",
        "Materialize", "Memoize", "Result", "ProjectSet", "ModifyTable", "LockRows", "SetOp", "WindowAgg",
        "Outer", "Inner", "Member", "SubPlan", "InitPlan", "Subquery", "Left", "Full", "Right", "Semi", "Anti",
        "Right Semi", "Right Anti", "Plain", "Sorted", "Hashed", "Mixed", "Simple", "Partial", "Finalize",
        "Forward", "Backward", "NoMovement", "Insert", "Update", "Delete", "Merge", "Intersect", "Intersect All",
        "Except", "Except All", "quicksort", "top-N heapsort", "external merge", "external sort",
        "still in progress", "Memory", "Disk", "public", "binary", "logical",
    ];

    private static readonly Dictionary<string, bool>.AlternateLookup<ReadOnlySpan<byte>> Lookup =
        Known.Distinct(StringComparer.Ordinal).ToDictionary(name => name, BufferCounts.IsBufferProperty, new Utf8AsciiComparer()).GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>The shared string spelled by <paramref name="utf8"/>, when it is a known one.</summary>
    public static bool TryGet(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out string? value) => Lookup.TryGetValue(utf8, out value, out _);

    /// <summary>As <see cref="TryGet(ReadOnlySpan{byte}, out string?)"/>, also saying whether the name is a <see cref="BufferCounts"/> property.</summary>
    public static bool TryGet(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out string? value, out bool isBuffer) => Lookup.TryGetValue(utf8, out value, out isBuffer);

    // Every known string is ASCII, so a byte and a char compare as equal numbers and hash alike.
    private sealed class Utf8AsciiComparer : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<byte>, string>
    {
        public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

        public int GetHashCode(string obj)
        {
            var h = Seed(obj.Length);
            foreach (var c in obj) h = Mix(h, c);
            return h;
        }

        public bool Equals(ReadOnlySpan<byte> alternate, string other)
        {
            if (alternate.Length != other.Length) return false;
            for (var i = 0; i < alternate.Length; i++)
            {
                if (alternate[i] != other[i]) return false;
            }
            return true;
        }

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var h = Seed(alternate.Length);
            foreach (var b in alternate) h = Mix(h, b);
            return h;
        }

        public string Create(ReadOnlySpan<byte> alternate) => Encoding.UTF8.GetString(alternate);

        private static int Seed(int length) => unchecked((int)2166136261u ^ length);

        private static int Mix(int h, int c) => unchecked((h ^ c) * 16777619);
    }
}
