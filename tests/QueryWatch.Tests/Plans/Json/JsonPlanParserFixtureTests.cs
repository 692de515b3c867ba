using Xunit;
using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans.Json;

/// <summary>What a user relies on in real PostgreSQL 15 plans, read from EXPLAIN (ANALYZE, BUFFERS, VERBOSE, SETTINGS, FORMAT JSON).</summary>
public sealed class JsonPlanParserFixtureTests
{
    [Fact]
    public void Estimated_plan_has_costs_strategies_and_no_actuals()
    {
        var plan = JsonFixtures.Parse("estimated-hash-join.json");

        Assert.Equal(PlanFormat.Json, plan.Format);
        Assert.False(plan.HasActuals);
        Assert.Null(plan.ExecutionTimeMs);
        Assert.Equal(["Aggregate", "Gather Merge", "Sort", "Aggregate", "Hash Join", "Seq Scan", "Hash", "Seq Scan"], plan.Nodes.Select(n => n.NodeType));
        Assert.Equal("Sorted", plan.Root.Strategy);
        Assert.Equal("Finalize", plan.Root.PartialMode);
        Assert.Equal(7533.52, plan.Root.TotalCost);
        Assert.Equal(400, plan.Root.PlanRows);
        var partial = plan.Nodes[3];
        Assert.Equal(("Hashed", "Partial"), (partial.Strategy, partial.PartialMode));
        Assert.Equal("Partial HashAggregate", partial.DisplayName);
        Assert.Equal(2, plan.Single("Gather Merge").WorkersPlanned);
        var join = plan.Single("Hash Join");
        Assert.Equal("Inner", join.JoinType);
        Assert.Equal(["orders", "customers"], join.Children.SelectMany(c => c.Children.Prepend(c)).Select(n => n.RelationName).OfType<string>());
        Assert.Equal("Inner", join.Children[1].ParentRelationship);
        Assert.All(plan.Nodes, n => Assert.Null(n.ActualLoops));
    }

    [Fact]
    public void Parallel_plan_keeps_worker_figures_apart_from_the_node_totals()
    {
        var plan = JsonFixtures.Parse("parallel-seq-scan-workers.json");

        var gather = plan.Single("Gather Merge");
        Assert.Equal((2, 2), (gather.WorkersPlanned, gather.WorkersLaunched));
        var sort = plan.Single("Sort");
        Assert.Equal(3, sort.ActualLoops);
        Assert.Equal(3938, sort.Buffers!.SharedHit);
        Assert.Equal([0, 1], sort.Workers.Select(w => w.WorkerNumber));
        Assert.Equal(2392, sort.Workers[0].Buffers!.SharedHit);
        Assert.Equal("quicksort", sort.Workers[0].SortMethod);
        Assert.Equal(25, sort.Workers[0].SortSpaceUsedKb);
        Assert.Equal(52.828, sort.Workers[0].ActualTotalTimeMs);
        var scan = plan.Single("Seq Scan");
        Assert.True(scan.ParallelAware);
        Assert.Equal("Parallel Seq Scan on orders", scan.DisplayName);
        Assert.Equal(119867, scan.ActualRows);
        Assert.Equal(13467, scan.RowsRemovedByFilter);
        Assert.Equal(3922, scan.Buffers!.SharedHit);
        Assert.Equal(2384, scan.Workers[0].Buffers!.SharedHit);
        Assert.Equal(1, plan.Nodes[3].HashAggBatches);
    }

    [Fact]
    public void Query_identifier_keeps_every_digit_of_the_64_bit_value()
    {
        var plan = JsonFixtures.Parse("parallel-seq-scan-workers.json");

        Assert.Equal("-5719044580678822549", plan.QueryIdentifier);
    }

    [Fact]
    public void Settings_timings_and_planning_buffers_are_read()
    {
        var plan = JsonFixtures.Parse("bitmap-lossy.json");

        Assert.Equal(new Dictionary<string, string>
        {
            ["enable_indexscan"] = "off",
            ["enable_seqscan"] = "off",
            ["max_parallel_workers_per_gather"] = "0",
            ["work_mem"] = "64kB",
        }, plan.Settings);
        Assert.Equal(0.348, plan.PlanningTimeMs);
        Assert.Equal(42.266, plan.ExecutionTimeMs);
        Assert.Equal(98, plan.PlanningBuffers!.SharedHit);
        Assert.Empty(plan.Triggers);
        Assert.Empty(plan.Extra);
        Assert.True(plan.HasActuals);
    }

    [Fact]
    public void Lossy_bitmap_heap_scan_reports_exact_and_lossy_blocks()
    {
        var scan = JsonFixtures.Parse("bitmap-lossy.json").Single("Bitmap Heap Scan");

        Assert.Equal((829L, 3093L), (scan.ExactHeapBlocks, scan.LossyHeapBlocks));
        Assert.Equal("(orders.status = 'paid'::text)", scan.RecheckCond);
        Assert.Equal("orders_status_idx", scan.Children[0].IndexName);
    }

    [Fact]
    public void Hash_join_over_work_mem_reports_batches_and_temp_buffers()
    {
        var plan = JsonFixtures.Parse("hash-join-batches.json");

        var hash = plan.Single("Hash");
        Assert.Equal((128L, 128L), (hash.HashBatches, hash.OriginalHashBatches));
        Assert.Equal(508, hash.Buffers!.TempWritten);
        Assert.Equal(3410, plan.Root.Buffers!.TempRead);
        Assert.Equal("(i.order_id = o.id)", plan.Root.HashCond);
        Assert.Equal(200000, hash.Children[0].RowsRemovedByFilter);
    }

    [Fact]
    public void Sort_that_spilled_reports_external_merge_on_disk()
    {
        var sort = JsonFixtures.Parse("sort-spill.json").Root;

        Assert.Equal(("external merge", "Disk", 22744L), (sort.SortMethod, sort.SortSpaceType, sort.SortSpaceUsedKb));
        Assert.Equal(["orders.note", "orders.amount DESC"], sort.SortKey!);
    }

    [Fact]
    public void Hash_aggregate_that_spilled_reports_batches_and_disk_usage_and_jit()
    {
        var plan = JsonFixtures.Parse("hashagg-disk.json");

        Assert.Equal(("Aggregate", "Hashed", "HashAggregate"), (plan.Root.NodeType, plan.Root.Strategy, plan.Root.DisplayName));
        Assert.Equal((341L, 11344L), (plan.Root.HashAggBatches, plan.Root.DiskUsageKb));
        Assert.Equal(8, plan.Jit!.Functions);
    }

    [Fact]
    public void Index_only_scan_reports_heap_fetches()
    {
        var scan = JsonFixtures.Parse("index-only-heap-fetches.json").Single("Index Only Scan");

        Assert.Equal(("visits", "visits_customer_idx"), (scan.RelationName, scan.IndexName));
        Assert.Equal(13399, scan.HeapFetches);
        Assert.Equal(13399, scan.ActualRows);
        Assert.Equal("Forward", scan.ScanDirection);
    }

    [Fact]
    public void SubPlan_InitPlan_and_CTE_nodes_are_labelled()
    {
        var plan = JsonFixtures.Parse("subplan-initplan-cte.json");

        var cte = plan.Root.Children[0];
        Assert.Equal(("InitPlan", "CTE top"), (cte.ParentRelationship, cte.SubplanName));
        var init = plan.Root.Children[1];
        Assert.Equal(("InitPlan", "InitPlan 3 (returns $2)"), (init.ParentRelationship, init.SubplanName));
        var sub = plan.Nodes.Single(n => n.ParentRelationship == "SubPlan");
        Assert.Equal("SubPlan 2", sub.SubplanName);
        Assert.Equal(20, sub.ActualLoops);
        Assert.Equal("top", plan.Single("CTE Scan").CteName);
        Assert.Contains(plan.Nodes, n => n.NodeType == "Nested Loop" && n.JoinType == "Anti");
        Assert.Equal(13, plan.Nodes.Count);
        Assert.All(plan.Nodes.Skip(1), n => Assert.Same(n, n.Parent!.Children.Single(c => ReferenceEquals(c, n))));
    }

    [Fact]
    public void Memoize_keeps_its_cache_figures_as_extra()
    {
        var memoize = JsonFixtures.Parse("memoize.json").Single("Memoize");

        Assert.Equal("i.sku", memoize.Extra["Cache Key"]);
        Assert.Equal("14999", memoize.Extra["Cache Hits"]);
        Assert.Equal("5000", memoize.Extra["Cache Misses"]);
        Assert.Equal(5000, memoize.Children[0].ActualLoops);
    }

    [Fact]
    public void Window_aggregate_and_its_sort_are_read()
    {
        var plan = JsonFixtures.Parse("window-agg.json");

        Assert.Equal("WindowAgg", plan.Root.NodeType);
        Assert.Equal(("quicksort", "Memory", 48L), (plan.Root.Children[0].SortMethod, plan.Root.Children[0].SortSpaceType, plan.Root.Children[0].SortSpaceUsedKb));
        Assert.Equal(["customers.region", "customers.id"], plan.Root.Children[0].SortKey!);
    }

    [Fact]
    public void Append_and_Merge_Append_members_are_children()
    {
        var append = JsonFixtures.Parse("append-merge-append.json");
        var merge = JsonFixtures.Parse("merge-append.json");

        Assert.Equal(["Append", "Index Scan"], append.Root.Children.Select(c => c.NodeType));
        Assert.All(append.Root.Children, c => Assert.Equal("Member", c.ParentRelationship));
        Assert.Equal(90, append.Root.Children[1].RowsRemovedByFilter);
        var mergeAppend = merge.Single("Merge Append");
        Assert.Equal(["orders", "customers"], mergeAppend.Children.Select(c => c.RelationName));
        Assert.Equal(5, mergeAppend.Children[1].HeapFetches);
    }

    [Fact]
    public void Partition_that_never_ran_is_marked_never_executed()
    {
        var plan = JsonFixtures.Parse("append-never-executed.json");

        var partitions = plan.Single("Append").Children;
        Assert.False(partitions[0].NeverExecuted);
        Assert.True(partitions[1].NeverExecuted);
        Assert.Equal("events_b", partitions[1].RelationName);
        Assert.Null(partitions[1].EstimateErrorFactor);
    }

    [Fact]
    public void Update_with_a_trigger_reports_the_operation_and_trigger_time()
    {
        var plan = JsonFixtures.Parse("modify-table-trigger.json");

        Assert.Equal(("ModifyTable", "Update", "customers"), (plan.Root.NodeType, plan.Root.Operation, plan.Root.RelationName));
        var trigger = Assert.Single(plan.Triggers);
        Assert.Equal(("customers_audit", "customers", 3.248, 400L), (trigger.Name, trigger.Relation, trigger.TimeMs, trigger.Calls));
        Assert.Null(trigger.ConstraintName);
        Assert.Empty(plan.Settings);
    }

    [Fact]
    public void Jit_block_reports_functions_options_and_timings()
    {
        var jit = JsonFixtures.Parse("jit.json").Jit!;

        Assert.Equal(5, jit.Functions);
        Assert.Equal((0.452, 134.755, 47.407, 26.707, 209.321), (jit.GenerationMs, jit.InliningMs, jit.OptimizationMs, jit.EmissionMs, jit.TotalMs));
        Assert.Equal("true", jit.Extra["Inlining"]);
        Assert.Equal("true", jit.Extra["Deforming"]);
    }

    [Fact]
    public void Verbose_output_lists_stay_lists()
    {
        var plan = JsonFixtures.Parse("hash-join-batches.json");
        var scan = plan.Nodes.Single(n => n.RelationName == "items");

        Assert.Equal(["o.id", "i.qty"], plan.Root.Output!);
        Assert.Equal(["i.qty", "i.order_id"], scan.Output!);
        Assert.Equal(("i", "public"), (scan.Alias, scan.Schema));
    }

    [Fact]
    public void Incremental_sort_group_details_are_kept_as_compact_json()
    {
        var sort = JsonFixtures.Parse("incremental-sort.json").Single("Incremental Sort");

        Assert.Equal(["orders.customer_id"], sort.PresortedKey!);
        Assert.StartsWith("{\"Group Count\":", sort.Extra["Full-sort Groups"], StringComparison.Ordinal);
        Assert.Contains("\"Sort Methods Used\":[\"quicksort\"]", sort.Extra["Full-sort Groups"], StringComparison.Ordinal);
    }

    public static TheoryData<string> AllFixtures() => new(JsonFixtures.Names());

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void Every_fixture_reads_the_same_from_bytes_and_from_text(string name)
    {
        var fromBytes = JsonPlanParser.Parse(JsonFixtures.Bytes(name));
        var fromText = PlanReader.Read(JsonFixtures.Text(name));

        Assert.Equal(fromBytes.Nodes.Select(n => n.DisplayName), fromText.Nodes.Select(n => n.DisplayName));
        Assert.Equal(fromBytes.Nodes.Select(n => n.TotalCost), fromText.Nodes.Select(n => n.TotalCost));
        Assert.Equal(fromBytes.ExecutionTimeMs, fromText.ExecutionTimeMs);
    }
}
