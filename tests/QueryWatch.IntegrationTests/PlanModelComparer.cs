using System.Globalization;
using QueryWatch.Plans;

namespace QueryWatch.IntegrationTests;

/// <summary>
/// Compares a plan read from EXPLAIN's TEXT output with the same plan read from its JSON output and
/// names the first difference with the path of the node where it is. The two captures come from two
/// executions (EXPLAIN prints one format per run), so under ANALYZE the figures that depend on the
/// clock or on how work was split among parallel workers are compared for presence only; everything
/// else must be equal. Where the formats legitimately print different things, the normalisation is
/// here with the reason (explain.c is the source: https://github.com/postgres/postgres/blob/master/src/backend/commands/explain.c).
/// </summary>
internal sealed class PlanModelComparer
{
    /// <summary>The first difference, as "path: property: text X, json Y"; null when the models are equal.</summary>
    public static string? FirstDifference(Plan text, Plan json)
    {
        var d = new Differ();
        d.Top(text, json);
        if (d.Result is not null) return d.Result;

        // Iterative walk of both trees in step: plans can be deep.
        var stack = new Stack<(PlanNode Text, PlanNode Json, string Path)>();
        stack.Push((text.Root, json.Root, "0:" + json.Root.DisplayName));
        while (stack.Count > 0 && d.Result is null)
        {
            var (t, j, path) = stack.Pop();
            d.Node(t, j, path);
            if (d.Result is not null) break;
            if (t.Children.Count != j.Children.Count)
                return $"{path}: child count: text {t.Children.Count}, json {j.Children.Count}";
            for (var i = t.Children.Count - 1; i >= 0; i--)
                stack.Push((t.Children[i], j.Children[i], $"{path} > {i}:{j.Children[i].DisplayName}"));
        }
        return d.Result;
    }

    private sealed class Differ
    {
        public string? Result { get; private set; }
        private string _where = "plan";

        public void Top(Plan t, Plan j)
        {
            _where = "plan";
            Eq("Query Identifier", t.QueryIdentifier, j.QueryIdentifier);
            // Clock readings differ between the two runs: present in both or in neither.
            Present("Planning Time", t.PlanningTimeMs, j.PlanningTimeMs);
            Present("Execution Time", t.ExecutionTimeMs, j.ExecutionTimeMs);
            Eq("Settings", Join(t.Settings), Join(j.Settings));
            Eq("Triggers", t.Triggers.Count, j.Triggers.Count);
            // Planning buffers count catalog lookups, which the first planning warms for the second;
            // and TEXT omits the line when every counter is zero.
            if (t.PlanningBuffers is not null && j.PlanningBuffers is null) Fail("Planning Buffers", "present", "absent");
            Eq("JIT", t.Jit is null, j.Jit is null);
        }

        public void Node(PlanNode t, PlanNode j, string path)
        {
            _where = path;
            var analyzed = j.HasActuals;
            var parallel = UnderGather(j);

            Eq("Node Type", t.NodeType, j.NodeType);
            Eq("Strategy", t.Strategy, j.Strategy);
            Eq("Partial Mode", t.PartialMode, j.PartialMode);
            Eq("Operation", t.Operation, j.Operation);
            Eq("Parent Relationship", t.ParentRelationship, j.ParentRelationship);
            Eq("Subplan Name", t.SubplanName, j.SubplanName);
            Eq("Parallel Aware", t.ParallelAware, j.ParallelAware);
            // TEXT writes "Async" before the node name only when it is true; JSON always says.
            Eq("Async Capable", t.AsyncCapable ?? false, j.AsyncCapable ?? false);
            Eq("Relation Name", t.RelationName, j.RelationName);
            Eq("Schema", t.Schema, j.Schema);
            // TEXT prints the alias only when it differs from the relation (or function/CTE) name.
            Eq("Alias", t.Alias ?? t.RelationName ?? t.CteName ?? t.FunctionName, j.Alias);
            Eq("Index Name", t.IndexName, j.IndexName);
            Eq("Function Name", t.FunctionName, j.FunctionName);
            Eq("CTE Name", t.CteName, j.CteName);
            // TEXT writes "Backward" into the node name and says nothing for the forward direction.
            Eq("Scan Direction", t.ScanDirection ?? (j.ScanDirection is null ? null : "Forward"), j.ScanDirection);
            Eq("Join Type", t.JoinType, j.JoinType);
            // "Inner Unique" exists only in the structured formats (explain.c, ExplainNode: es->format != TEXT).
            if (t.InnerUnique is not null) Eq("Inner Unique", t.InnerUnique, j.InnerUnique);

            Eq("Startup Cost", t.StartupCost, j.StartupCost);
            Eq("Total Cost", t.TotalCost, j.TotalCost);
            Eq("Plan Rows", t.PlanRows, j.PlanRows);
            Eq("Plan Width", t.PlanWidth, j.PlanWidth);

            Eq("never executed", t.NeverExecuted, j.NeverExecuted);
            if (!j.NeverExecuted)
            {
                Present("Actual Startup Time", t.ActualStartupTimeMs, j.ActualStartupTimeMs);
                Present("Actual Total Time", t.ActualTotalTimeMs, j.ActualTotalTimeMs);
                // Under a Gather, how many rows each process produces depends on scheduling (a Gather
                // Merge under a Limit stops its workers wherever they are: 50 vs 25 per loop, seen in CI).
                // A Gather's own rows are what its processes produced: with partial aggregates below it,
                // 5 or 10 depending on whether the leader got any input (seen under load: text 10, json 5).
                if (!parallel && j.NodeType is not ("Gather" or "Gather Merge")) Eq("Actual Rows", t.ActualRows, j.ActualRows);
                else Present("Actual Rows", t.ActualRows, j.ActualRows);
                // Under a Gather, loops count the processes that ran the node, which is scheduling too: a
                // worker that attaches after a Parallel Hash was built skips its scan (PostgreSQL 18 under
                // the full suite's load: text 1, json 2 on the Parallel Seq Scan below a Parallel Hash).
                if (!parallel) Eq("Actual Loops", t.ActualLoops, j.ActualLoops);
                else Present("Actual Loops", t.ActualLoops, j.ActualLoops);
            }

            Eq("Filter", t.Filter, j.Filter);
            Eq("Index Cond", t.IndexCond, j.IndexCond);
            Eq("Recheck Cond", t.RecheckCond, j.RecheckCond);
            Eq("Join Filter", t.JoinFilter, j.JoinFilter);
            Eq("Hash Cond", t.HashCond, j.HashCond);
            Eq("Merge Cond", t.MergeCond, j.MergeCond);
            Eq("One-Time Filter", t.OneTimeFilter, j.OneTimeFilter);
            Eq("TID Cond", t.TidCond, j.TidCond);
            Eq("Sort Key", t.SortKey, j.SortKey);
            Eq("Presorted Key", t.PresortedKey, j.PresortedKey);
            Eq("Group Key", t.GroupKey, j.GroupKey);
            Eq("Output", t.Output, j.Output);

            // TEXT prints these counters only when non-zero (show_instrumentation_count); JSON prints zeros.
            // Per-process counters under a Gather depend on how far each worker got (see Actual Rows).
            if (!parallel)
            {
                Eq("Rows Removed by Filter", t.RowsRemovedByFilter ?? Zero(j.RowsRemovedByFilter), j.RowsRemovedByFilter);
                Eq("Rows Removed by Join Filter", t.RowsRemovedByJoinFilter ?? Zero(j.RowsRemovedByJoinFilter), j.RowsRemovedByJoinFilter);
                Eq("Rows Removed by Index Recheck", t.RowsRemovedByIndexRecheck ?? Zero(j.RowsRemovedByIndexRecheck), j.RowsRemovedByIndexRecheck);
            }
            Eq("Heap Fetches", t.HeapFetches, j.HeapFetches);

            Eq("Sort Method", t.SortMethod, j.SortMethod);
            Eq("Sort Space Type", t.SortSpaceType, j.SortSpaceType);
            // A parallel sort's memory depends on which rows each worker got.
            if (!parallel) Eq("Sort Space Used", t.SortSpaceUsedKb, j.SortSpaceUsedKb);
            else Present("Sort Space Used", t.SortSpaceUsedKb, j.SortSpaceUsedKb);

            Eq("Hash Buckets", t.HashBuckets, j.HashBuckets);
            Eq("Hash Batches", t.HashBatches, j.HashBatches);
            // TEXT prints "(originally N)" only when the value changed during execution (show_hash_info).
            Eq("Original Hash Buckets", t.OriginalHashBuckets ?? Same(t.HashBuckets, j.OriginalHashBuckets), j.OriginalHashBuckets);
            Eq("Original Hash Batches", t.OriginalHashBatches ?? Same(t.HashBatches, j.OriginalHashBatches), j.OriginalHashBatches);
            // A Parallel Hash's shared table grows with the order workers insert in: its peak differs run to run.
            if (!parallel)
            {
                Eq("Peak Memory Usage", t.PeakMemoryUsageKb, j.PeakMemoryUsageKb);
                Eq("HashAgg Batches", t.HashAggBatches, j.HashAggBatches);
                // TEXT prints "Disk Usage" only when the hash aggregate spilled (show_hashagg_info).
                Eq("Disk Usage", t.DiskUsageKb ?? Zero(j.DiskUsageKb), j.DiskUsageKb);
            }
            else
            {
                Present("Peak Memory Usage", t.PeakMemoryUsageKb, j.PeakMemoryUsageKb);
            }
            // TEXT prints "exact=" and "lossy=" only when non-zero (show_tidbitmap_info).
            Eq("Exact Heap Blocks", t.ExactHeapBlocks ?? Zero(j.ExactHeapBlocks), j.ExactHeapBlocks);
            Eq("Lossy Heap Blocks", t.LossyHeapBlocks ?? Zero(j.LossyHeapBlocks), j.LossyHeapBlocks);

            Eq("Workers Planned", t.WorkersPlanned, j.WorkersPlanned);
            Eq("Workers Launched", t.WorkersLaunched, j.WorkersLaunched);

            if (!parallel) Buffers("Buffers", t.Buffers, j.Buffers);
            Workers(t.Workers, j.Workers, analyzed);
            Extra(t.Extra, j.Extra);
        }

        private static bool UnderGather(PlanNode n)
        {
            for (var p = n; p is not null; p = p.Parent)
                if (p.NodeType is "Gather" or "Gather Merge") return p != n;
            return false;
        }

        private void Buffers(string name, BufferCounts? t, BufferCounts? j)
        {
            // TEXT omits every zero counter, and the whole line when all are zero; JSON prints them all.
            var tb = t ?? new BufferCounts();
            var jb = j ?? new BufferCounts();
            Eq(name + " Shared Hit", tb.SharedHit, jb.SharedHit);
            Eq(name + " Shared Read", tb.SharedRead, jb.SharedRead);
            Eq(name + " Shared Dirtied", tb.SharedDirtied, jb.SharedDirtied);
            Eq(name + " Shared Written", tb.SharedWritten, jb.SharedWritten);
            Eq(name + " Local Hit", tb.LocalHit, jb.LocalHit);
            Eq(name + " Local Read", tb.LocalRead, jb.LocalRead);
            Eq(name + " Local Dirtied", tb.LocalDirtied, jb.LocalDirtied);
            Eq(name + " Local Written", tb.LocalWritten, jb.LocalWritten);
            Eq(name + " Temp Read", tb.TempRead, jb.TempRead);
            Eq(name + " Temp Written", tb.TempWritten, jb.TempWritten);
        }

        private void Workers(List<WorkerDetail> t, List<WorkerDetail> j, bool analyzed)
        {
            // Which worker did how much is up to the scheduler, so per-worker figures differ between
            // the two runs; the workers listed and the kinds of figure each carries must not.
            Eq("Workers", string.Join(",", t.Select(w => w.WorkerNumber)), string.Join(",", j.Select(w => w.WorkerNumber)));
            if (Result is not null || !analyzed) return;
            for (var i = 0; i < t.Count; i++)
            {
                var (tw, jw) = (t[i], j[i]);
                var label = "Worker " + jw.WorkerNumber.ToString(CultureInfo.InvariantCulture);
                Present(label + " Actual Total Time", tw.ActualTotalTimeMs, jw.ActualTotalTimeMs);
                Present(label + " Actual Rows", tw.ActualRows, jw.ActualRows);
                Present(label + " Actual Loops", tw.ActualLoops, jw.ActualLoops);
                Eq(label + " Sort Method", tw.SortMethod is null, jw.SortMethod is null);
            }
        }

        private void Extra(Dictionary<string, string> t, Dictionary<string, string> j)
        {
            foreach (var key in j.Keys.Union(t.Keys).Order(StringComparer.Ordinal))
            {
                t.TryGetValue(key, out var tv);
                j.TryGetValue(key, out var jv);
                if (tv is null && IsTextSilentDefault(key, jv)) continue;
                if (jv is not null && tv is not null && jv.StartsWith('{') | jv.StartsWith('[')) continue; // structured: presence
                Eq(key, tv, jv);
            }
        }

        /// <summary>JSON-only properties TEXT leaves out when they hold their default value.</summary>
        private static bool IsTextSilentDefault(string key, string? jsonValue) => (key, jsonValue) switch
        {
            // show_hashagg_info: TEXT prints "Planned Partitions" only when > 0.
            ("Planned Partitions", "0") => true,
            // ExplainNode: TEXT prints "Single Copy" only when true.
            ("Single Copy", "false") => true,
            // ExplainMissingMembers: TEXT prints "Subplans Removed" only when partitions were pruned.
            ("Subplans Removed", "0") => true,
            // ExplainNode (PostgreSQL 18+): TEXT prints "Disabled: true" only for a node the planner
            // had to use although its enable_* setting was off; JSON says false for every other node.
            ("Disabled", "false") => true,
            // show_memoize_info / show_incremental_sort_info print grouped objects only in JSON.
            _ => false,
        };

        private static long? Zero(long? json) => json == 0 ? 0 : null;

        private static long? Same(long? textCurrent, long? jsonOriginal) => jsonOriginal is null ? null : textCurrent;

        private static string Join(Dictionary<string, string> d) =>
            string.Join(", ", d.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));

        private void Present<T>(string name, T? t, T? j) where T : struct
        {
            if (t.HasValue != j.HasValue) Fail(name, t.HasValue ? "present" : "absent", j.HasValue ? "present" : "absent");
        }

        private void Eq<T>(string name, T t, T j)
        {
            if (Result is not null || EqualityComparer<T>.Default.Equals(t, j)) return;
            Fail(name, Show(t), Show(j));
        }

        private void Eq(string name, IReadOnlyList<string>? t, IReadOnlyList<string>? j)
        {
            if (Result is not null) return;
            if (t is null && j is null) return;
            if (t is null || j is null || !t.SequenceEqual(j)) Fail(name, Show(t), Show(j));
        }

        private static string Show(object? v) => v switch
        {
            null => "(none)",
            IReadOnlyList<string> l => "[" + string.Join(" | ", l) + "]",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            _ => v.ToString() ?? "",
        };

        private void Fail(string name, string t, string j) => Result ??= $"{_where}: {name}: text {t}, json {j}";
    }
}
