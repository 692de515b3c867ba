using Xunit;
using QueryWatch.Plans;

namespace QueryWatch.Tests.Plans.Text;

public sealed class SeedPlanTests
{
    public static TheoryData<string> SeedFiles() => new(Directory.GetFiles(TextFixtures.Dir("seeds"), "*.txt").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(SeedFiles))]
    public void Every_seed_plan_loads_as_a_text_plan(string file)
    {
        var plan = TextFixtures.Parse("seeds", file);
        Assert.Equal(PlanFormat.Text, plan.Format);
        Assert.True(plan.Nodes.Count >= 2);
        Assert.All(plan.Nodes, n => Assert.True(n.StartupCost.HasValue && n.TotalCost.HasValue, n.DisplayName));
    }

    [Fact]
    public void Seed_000_before_is_limit_unique_gather_merge_over_a_filtering_parallel_index_scan()
    {
        var plan = TextFixtures.Parse("seeds", "000-before.txt");
        var path = plan.Nodes.Select(n => n.NodeType).ToArray();
        Assert.Equal(["Limit", "Unique", "Gather Merge", "Index Scan"], path);
        Assert.Equal(2, plan.Nodes[2].WorkersPlanned);
        var scan = plan.Nodes[3];
        Assert.True(scan.ParallelAware);
        Assert.Equal("process_workeractivity_element_id_9a98b12a", scan.IndexName);
        Assert.Equal("process_workeractivity", scan.RelationName);
        Assert.Null(scan.IndexCond);
        Assert.Equal("((process_id = '...'::uuid) AND ((state)::text = 'error'::text))", scan.Filter);
        Assert.Equal(126, scan.PlanRows);
        Assert.Same(plan.Nodes[2], scan.Parent);
        Assert.False(plan.HasActuals);
    }

    [Fact]
    public void Seed_000_list_has_a_bitmap_index_scan_with_its_index_name()
    {
        var plan = TextFixtures.Parse("seeds", "000-list.txt");
        var bitmap = plan.Single(n => n.NodeType == "Bitmap Index Scan");
        Assert.Equal("process_workeractivity_process_id_b86dbdd6", bitmap.IndexName);
        Assert.Equal("Bitmap Heap Scan", bitmap.Parent!.NodeType);
        Assert.Equal(["element_id"], plan.Single(n => n.NodeType == "Sort").SortKey);
    }

    [Fact]
    public void Seed_001_queued_before_keeps_heap_fetches_join_filter_and_misestimate()
    {
        var plan = TextFixtures.Parse("seeds", "001-queued-before.txt");
        Assert.Equal(24, plan.Nodes.Count);
        var groupAgg = plan.Single(n => n.NodeType == "Aggregate");
        Assert.Equal("Sorted", groupAgg.Strategy);
        Assert.Equal(["exec_1.user_id"], groupAgg.GroupKey);
        var ios = Assert.Single(groupAgg.Children);
        Assert.Equal("Index Only Scan", ios.NodeType);
        Assert.Equal(351240, ios.ActualRows);
        Assert.Equal(90581, ios.HeapFetches);
        var loop = plan.Single(n => n.JoinFilter is not null);
        Assert.Equal(97448, loop.RowsRemovedByJoinFilter);
        Assert.Equal(24362, loop.ActualRows);
        var materialize = plan.Single(n => n.NodeType == "Materialize");
        Assert.Equal(24362, materialize.ActualLoops);
        Assert.Equal("Inner", materialize.ParentRelationship);
        var hash = plan.Single(n => n.NodeType == "Hash");
        Assert.Equal(32768, hash.HashBuckets);
        Assert.Equal(1024, hash.OriginalHashBuckets);
        Assert.Equal(1, hash.HashBatches);
        Assert.Equal(1398, hash.PeakMemoryUsageKb);
        Assert.Equal("Left", plan.Single(n => n.NodeType == "Hash Join").JoinType);
        Assert.Equal(188.086, plan.ExecutionTimeMs);
        Assert.Equal(0.881, plan.PlanningTimeMs);
    }

    [Fact]
    public void Seed_001_empty_plan_marks_never_executed_nodes()
    {
        var plan = TextFixtures.Parse("seeds", "001-empty-before.txt");
        var never = plan.Nodes.Where(n => n.NeverExecuted).ToList();
        Assert.Equal(14, never.Count);
        Assert.All(never, n => Assert.Equal(0, n.InclusiveTimeMs));
        Assert.Contains(plan.Nodes, n => n.SortKey is ["(rank() OVER (?))", "queue.latest_dequeue NULLS FIRST"]);
    }

    [Fact]
    public void Seed_002_subplan_runs_79993_times_under_the_index_scan()
    {
        var plan = TextFixtures.Parse("seeds", "002-before.txt");
        var scan = plan.Single(n => n.NodeType == "Index Scan");
        Assert.Equal(80000, scan.RowsRemovedByFilter);
        var sub = Assert.Single(scan.Children);
        Assert.Equal("SubPlan", sub.ParentRelationship);
        Assert.Equal("SubPlan 1", sub.SubplanName);
        Assert.Equal("LockRows", sub.NodeType);
        Assert.Equal(79993, sub.ActualLoops);
        var heap = plan.Single(n => n.NodeType == "Bitmap Heap Scan");
        Assert.Equal(79993, heap.ExactHeapBlocks);
        Assert.Equal(1, heap.RowsRemovedByFilter);
        // PostgreSQL 12 and older spell the footers in lower case.
        Assert.Equal(0.313, plan.PlanningTimeMs);
        Assert.Equal(149.391, plan.ExecutionTimeMs);
    }

    [Fact]
    public void Seed_003_nested_loop_inner_index_scan_runs_861384_loops_and_discards_by_filter()
    {
        var plan = TextFixtures.Parse("seeds", "003-before.txt");
        var loop = plan.Single(n => n.NodeType == "Nested Loop");
        Assert.Equal("Inner", loop.JoinType);
        Assert.Equal(2, loop.Children.Count);
        var inner = loop.Children[1];
        Assert.Equal("Inner", inner.ParentRelationship);
        Assert.Equal("ci_pipelines_pkey", inner.IndexName);
        Assert.Equal(861384, inner.ActualLoops);
        Assert.Equal(1, inner.RowsRemovedByFilter);
        Assert.Equal("(locked = 0)", inner.Filter);
        Assert.Equal(3122814, inner.Buffers!.SharedHit);
        Assert.Equal(1184216, inner.Buffers.SharedRead);
        Assert.Equal(290129.313, inner.Buffers.IoReadTimeMs);
        Assert.Equal("Outer", loop.Children[0].ParentRelationship);
    }

    [Fact]
    public void Seed_003_after_reads_verbose_schema_inner_unique_and_the_whole_output_list()
    {
        var plan = TextFixtures.Parse("seeds", "003-after.txt");
        Assert.True(plan.Root.InnerUnique);
        Assert.Equal(18, plan.Root.Output!.Count);
        Assert.Equal("ci_pipeline_artifacts.expire_at", plan.Root.Output[10]);
        var scan = plan.Root.Children[0];
        Assert.Equal("public", scan.Schema);
        Assert.Equal("ci_pipeline_artifacts", scan.RelationName);
        Assert.Equal(1039, scan.ActualRows);
    }

    [Theory]
    [InlineData("000.txt", 4)]
    [InlineData("001.txt", 4)]
    [InlineData("002.txt", 2)]
    [InlineData("003.txt", 2)]
    public void A_whole_seed_page_yields_every_plan_in_it(string file, int plans)
    {
        var found = TextPlanParser.ParseAll(TextFixtures.Read("seeds/raw", file));
        Assert.Equal(plans, found.Count);
    }

    [Fact]
    public void A_browser_wrapped_seed_page_reads_the_same_as_the_repaired_fixture()
    {
        var raw = TextPlanParser.ParseAll(TextFixtures.Read("seeds/raw", "003.txt"))[1];
        var fixedUp = TextFixtures.Parse("seeds", "003-after.txt");
        Assert.Equal(fixedUp.Nodes.Select(n => n.DisplayName), raw.Nodes.Select(n => n.DisplayName));
        Assert.Equal(fixedUp.Root.Output, raw.Root.Output);
        Assert.Equal(fixedUp.Root.Children[0].Output, raw.Root.Children[0].Output);
    }

    [Fact]
    public void Parse_returns_the_first_plan_of_a_page()
    {
        var plan = TextPlanParser.Parse(TextFixtures.Read("seeds/raw", "000.txt"));
        Assert.Equal("Unique", plan.Root.Children[0].NodeType);
    }
}
