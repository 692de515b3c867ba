using Xunit;
using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans.Text;

/// <summary>One test per trap in DESIGN.md's "TEXT plans: traps other parsers fall into".</summary>
public sealed class TextTrapTests
{
    private static Plan Read(params string[] lines) => TextPlanParser.Parse(string.Join('\n', lines));

    [Fact]
    public void Worker_buffers_never_overwrite_the_node_totals()
    {
        var plan = Read(
            "Gather  (cost=0.00..10.00 rows=10 width=4) (actual time=0.1..5.0 rows=30 loops=1)",
            "  Workers Planned: 2",
            "  Workers Launched: 2",
            "  ->  Parallel Seq Scan on t  (cost=0.00..9.00 rows=4 width=4) (actual time=0.01..4.0 rows=10 loops=3)",
            "        Buffers: shared hit=935 read=7",
            "        Worker 0:  actual time=0.010..7.826 rows=5135 loops=1",
            "          Sort Method: quicksort  Memory: 30kB",
            "          Buffers: shared hit=425",
            "        Worker 1:  actual time=0.012..7.206 rows=2757 loops=1",
            "          Buffers: shared hit=221");
        var scan = plan.Nodes[1];
        Assert.Equal(935, scan.Buffers!.SharedHit);
        Assert.Equal(7, scan.Buffers.SharedRead);
        Assert.Equal(10, scan.ActualRows);
        Assert.Equal(3, scan.ActualLoops);
        Assert.Null(scan.SortMethod);
        Assert.Equal([425L, 221L], scan.Workers.Select(w => w.Buffers!.SharedHit));
        Assert.Equal([5135d, 2757d], scan.Workers.Select(w => w.ActualRows!.Value));
        Assert.Equal("quicksort", scan.Workers[0].SortMethod);
        Assert.Equal(30, scan.Workers[0].SortSpaceUsedKb);
    }

    [Fact]
    public void Output_starting_with_a_constant_is_a_list_not_a_number()
    {
        var plan = Read("Seq Scan on public.t  (cost=0.00..1.00 rows=1 width=8)", "  Output: 1, item_id, f(a, b)");
        Assert.Equal(["1", "item_id", "f(a, b)"], plan.Root.Output);
        Assert.Empty(plan.Root.Extra);
    }

    [Theory]
    [InlineData("Nested Loop Semi Join", "Nested Loop", "Semi")]
    [InlineData("Nested Loop Anti Join", "Nested Loop", "Anti")]
    [InlineData("Hash Anti Join", "Hash Join", "Anti")]
    [InlineData("Hash Right Semi Join", "Hash Join", "Right Semi")]
    [InlineData("Merge Left Join", "Merge Join", "Left")]
    [InlineData("Hash Join", "Hash Join", "Inner")]
    [InlineData("Nested Loop", "Nested Loop", "Inner")]
    public void Semi_and_anti_joins_keep_their_join_type(string text, string nodeType, string joinType)
    {
        var plan = Read(text + "  (cost=1.00..2.00 rows=1 width=4)");
        Assert.Equal(nodeType, plan.Root.NodeType);
        Assert.Equal(joinType, plan.Root.JoinType);
    }

    [Fact]
    public void HashAggregate_batches_memory_and_disk_are_read()
    {
        var plan = Read(
            "HashAggregate  (cost=1.00..2.00 rows=1 width=4) (actual time=1.0..2.0 rows=5 loops=1)",
            "  Group Key: a",
            "  Batches: 5  Memory Usage: 4145kB  Disk Usage: 5656kB");
        Assert.Equal(5, plan.Root.HashAggBatches);
        Assert.Equal(4145, plan.Root.PeakMemoryUsageKb);
        Assert.Equal(5656, plan.Root.DiskUsageKb);
        Assert.Null(plan.Root.HashBatches);
    }

    [Fact]
    public void Hash_buckets_and_batches_keep_their_original_figures()
    {
        var plan = Read(
            "Hash  (cost=1.00..2.00 rows=1 width=4) (actual time=1.0..2.0 rows=5 loops=1)",
            "  Buckets: 1024 (originally 512)  Batches: 4 (originally 1)  Memory Usage: 100kB");
        Assert.Equal((1024L, 512L, 4L, 1L, 100L), (plan.Root.HashBuckets, plan.Root.OriginalHashBuckets, plan.Root.HashBatches, plan.Root.OriginalHashBatches, plan.Root.PeakMemoryUsageKb));
    }

    [Fact]
    public void Exact_and_lossy_heap_blocks_are_read()
    {
        var plan = Read("Bitmap Heap Scan on t  (cost=1.00..2.00 rows=1 width=4) (actual time=1.0..2.0 rows=5 loops=1)", "  Heap Blocks: exact=12 lossy=34");
        Assert.Equal(12, plan.Root.ExactHeapBlocks);
        Assert.Equal(34, plan.Root.LossyHeapBlocks);
    }

    [Theory]
    [InlineData("HashAggregate", "Hashed", "Simple")]
    [InlineData("GroupAggregate", "Sorted", "Simple")]
    [InlineData("MixedAggregate", "Mixed", "Simple")]
    [InlineData("Aggregate", "Plain", "Simple")]
    [InlineData("Partial HashAggregate", "Hashed", "Partial")]
    [InlineData("Finalize GroupAggregate", "Sorted", "Finalize")]
    public void Aggregates_use_json_node_type_and_strategy(string text, string strategy, string partialMode)
    {
        var plan = Read(text + "  (cost=1.00..2.00 rows=1 width=4)");
        Assert.Equal("Aggregate", plan.Root.NodeType);
        Assert.Equal(strategy, plan.Root.Strategy);
        Assert.Equal(partialMode, plan.Root.PartialMode);
        Assert.Equal(text, plan.Root.DisplayName);
    }

    [Fact]
    public void Sort_spill_reads_method_space_type_and_size()
    {
        var plan = Read("Sort  (cost=1.00..2.00 rows=1 width=4) (actual time=1.0..2.0 rows=5 loops=1)", "  Sort Key: a DESC, (lower(b))", "  Sort Method: external merge  Disk: 1234kB");
        Assert.Equal(("external merge", "Disk", 1234L), (plan.Root.SortMethod, plan.Root.SortSpaceType, plan.Root.SortSpaceUsedKb));
        Assert.Equal(["a DESC", "(lower(b))"], plan.Root.SortKey);
    }

    [Fact]
    public void Memoize_figures_use_json_names()
    {
        var plan = Read("Memoize  (cost=0.30..0.34 rows=1 width=4)", "  Cache Key: u.t_id", "  Cache Mode: logical", "  Hits: 49000  Misses: 1000  Evictions: 0  Overflows: 0  Memory Usage: 102kB");
        Assert.Equal("49000", plan.Root.Extra["Cache Hits"]);
        Assert.Equal("1000", plan.Root.Extra["Cache Misses"]);
        Assert.Equal("logical", plan.Root.Extra["Cache Mode"]);
        Assert.Equal(102, plan.Root.PeakMemoryUsageKb);
    }

    [Fact]
    public void Postgres_17_io_timings_split_by_scope()
    {
        var plan = Read("Seq Scan on t  (cost=0.00..1.00 rows=1 width=8)", "  Buffers: shared hit=1 read=2 dirtied=3 written=4, local hit=5, temp read=6 written=7", "  I/O Timings: shared read=1.5 write=2.5, temp read=3.5");
        var b = plan.Root.Buffers!;
        Assert.Equal((1L, 2L, 3L, 4L, 5L, 6L, 7L), (b.SharedHit, b.SharedRead, b.SharedDirtied, b.SharedWritten, b.LocalHit, b.TempRead, b.TempWritten));
        Assert.Equal((1.5, 2.5, 3.5), (b.IoReadTimeMs!.Value, b.IoWriteTimeMs!.Value, b.TempIoReadTimeMs!.Value));
    }

    [Fact]
    public void Footer_blocks_fill_the_plan()
    {
        var plan = Read(
            " Result  (cost=0.00..0.01 rows=1 width=4) (actual time=0.001..0.001 rows=1 loops=1)",
            " Settings: work_mem = '64kB', search_path = 'a, b'",
            " Query Identifier: -1234567",
            " Planning:",
            "   Buffers: shared hit=111 read=2",
            " Planning Time: 0.641 ms",
            " Trigger for constraint fk_x: time=1.5 calls=3",
            " JIT:",
            "   Functions: 27",
            "   Options: Inlining true, Optimization true",
            "   Timing: Generation 0.907 ms, Inlining 49.545 ms, Optimization 55.436 ms, Emission 39.952 ms, Total 145.841 ms",
            " Execution Time: 312.525 ms");
        Assert.Equal("a, b", plan.Settings["search_path"]);
        Assert.Equal("64kB", plan.Settings["work_mem"]);
        Assert.Equal("-1234567", plan.QueryIdentifier);
        Assert.Equal(111, plan.PlanningBuffers!.SharedHit);
        Assert.Equal(0.641, plan.PlanningTimeMs);
        Assert.Equal(312.525, plan.ExecutionTimeMs);
        var trigger = Assert.Single(plan.Triggers);
        Assert.Equal(("fk_x", 1.5, 3L), (trigger.ConstraintName, trigger.TimeMs!.Value, trigger.Calls!.Value));
        Assert.Equal((27, 145.841), (plan.Jit!.Functions!.Value, plan.Jit.TotalMs!.Value));
    }

    [Fact]
    public void Initplan_and_cte_headers_label_their_child()
    {
        var plan = Read(
            "Result  (cost=0.32..0.33 rows=1 width=4)",
            "  InitPlan 1 (returns $0)",
            "    ->  Limit  (cost=0.29..0.32 rows=1 width=4)",
            "          ->  Index Only Scan Backward using u_pkey on u  (cost=0.29..1656.29 rows=50000 width=4)",
            "  CTE c",
            "    ->  Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)",
            "  ->  CTE Scan on c c1  (cost=0.00..0.02 rows=1 width=4)");
        Assert.Equal(("InitPlan", "InitPlan 1 (returns $0)"), (plan.Nodes[1].ParentRelationship, plan.Nodes[1].SubplanName));
        Assert.Equal("Backward", plan.Nodes[2].ScanDirection);
        Assert.Equal(("InitPlan", "CTE c"), (plan.Nodes[3].ParentRelationship, plan.Nodes[3].SubplanName));
        Assert.Equal(("Outer", "c", "c1"), (plan.Nodes[4].ParentRelationship, plan.Nodes[4].CteName, plan.Nodes[4].Alias));
        Assert.Same(plan.Root, plan.Nodes[4].Parent);
    }

    [Fact]
    public void Costs_off_plan_is_found_by_its_node_names()
    {
        var plan = TextFixtures.Parse("text", "pg15-costs-off.txt");
        Assert.Equal(["Limit", "Index Scan"], plan.Nodes.Select(n => n.NodeType));
        var timingOff = TextFixtures.Parse("text", "pg15-timing-off.txt");
        Assert.True(timingOff.HasActuals);
        Assert.Null(timingOff.Root.ActualTotalTimeMs);
    }

    [Fact]
    public void A_ten_thousand_level_paste_reads_without_recursion()
    {
        const int depth = 10_000;
        var sb = new System.Text.StringBuilder(depth * (depth / 2 + 40));
        sb.Append("Result  (cost=0.00..1.00 rows=1 width=4)\n");
        for (var i = 1; i < depth; i++) sb.Append(' ', i).Append("->  Result  (cost=0.00..1.00 rows=1 width=4)\n");
        var plan = TextPlanParser.Parse(sb.ToString());
        Assert.Equal(depth, plan.Nodes.Count);
        Assert.Equal(depth - 1, plan.Nodes[^1].Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world\nno plan here")]
    [InlineData("Limit  (cost=abc..2 rows=1 width=4)\n  ->  Seq Scan on t  (cost=1")]
    public void Input_without_a_readable_plan_fails_with_one_line(string input)
    {
        var e = Assert.Throws<PlanParseException>(() => TextPlanParser.Parse(input));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_damaged_line_inside_a_plan_names_its_line_number()
    {
        var e = Assert.Throws<PlanParseException>(() => Read("Limit  (cost=1.00..2.00 rows=1 width=4)", "  ->  Seq Scan on t  (cost=1.00..x rows=1 width=4)"));
        Assert.Equal(2, e.Line);
    }
}
