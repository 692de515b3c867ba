using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;
using static QueryWatch.Tests.Rules.PlanTree;

namespace QueryWatch.Tests.Rules;

/// <summary>The five incidents' plans, rebuilt node by node, so the rules are pinned without any parser.</summary>
public sealed class SeedPlansInCodeTests
{
    private static readonly RuleEngine Engine = new();

    private static IReadOnlyList<Finding> Analyze(PlanNode root, string? sql = null, double? executionMs = null) =>
        Engine.Analyze(Plan(root, executionMs), sql);

    private static Plan Seed000Before() => Plan(
        Of(new PlanNode { NodeType = "Limit" }.Cost(1000.59, 13892.96, 1),
            Of(new PlanNode { NodeType = "Unique" }.Cost(1000.59, 3907389.36, 303).As("Outer"),
                Of(new PlanNode { NodeType = "Gather Merge", WorkersPlanned = 2 }.Cost(1000.59, 3907388.61, 303).As("Outer"),
                    new PlanNode
                    {
                        NodeType = "Index Scan", ParallelAware = true, IndexName = "process_workeractivity_element_id_9a98b12a",
                        RelationName = "process_workeractivity", Alias = "process_workeractivity",
                        Filter = "((process_id = '...'::uuid) AND ((state)::text = 'error'::text))",
                    }.Cost(0.56, 3906353.61, 126).As("Outer")))));

    private static Plan Seed000After() => Plan(
        Of(new PlanNode { NodeType = "Limit" }.Cost(0.56, 211.63, 1),
            new PlanNode
            {
                NodeType = "Index Scan", IndexName = "process_workeractivity_process_id_b86dbdd6", RelationName = "process_workeractivity",
                IndexCond = "(process_id = 'ebc56551-43e8-4b82-9de7-d6658a989551'::uuid)", Filter = "((state)::text = 'error'::text)",
            }.Cost(0.56, 63954.58, 303).As("Outer")));

    [Fact]
    public void Distinct_on_existence_check_is_flagged_from_the_estimated_plan_alone()
    {
        var findings = Engine.Analyze(Seed000Before());

        var qw001 = Assert.Single(findings, f => f.RuleId == "QW001");
        Assert.Equal("Limit → Unique", qw001.NodePath);
        Assert.Contains("SELECT 1 FROM process_workeractivity WHERE process_id = … AND state = … LIMIT 1", qw001.Suggestion);
        var qw002 = Assert.Single(findings, f => f.RuleId == "QW002");
        Assert.Equal("Limit → Unique → Gather Merge → Parallel Index Scan on process_workeractivity", qw002.NodePath);
        Assert.Contains("CREATE INDEX CONCURRENTLY ON process_workeractivity (process_id, state)", qw002.Suggestion);
        Assert.Contains(findings, f => f.RuleId == "QW014");
    }

    [Fact]
    public void Existence_check_without_distinct_raises_none_of_the_seed_000_rules()
    {
        var findings = Engine.Analyze(Seed000After());

        Assert.DoesNotContain(findings, f => f.RuleId is "QW001" or "QW002" or "QW014");
    }

    [Fact]
    public void Distinct_limit_one_is_recognised_from_the_sql_even_when_the_limit_estimate_is_not_one()
    {
        var root = Of(new PlanNode { NodeType = "Limit" }.Cost(0, 50, 3),
            Of(new PlanNode { NodeType = "Unique" }.Cost(0, 500, 3).As("Outer"),
                new PlanNode { NodeType = "Index Scan", IndexName = "ix", RelationName = "t", IndexCond = "(a = 1)" }.Cost(0, 400, 3).As("Outer")));

        Assert.DoesNotContain(Analyze(root), f => f.RuleId == "QW001");
        Assert.Contains(Analyze(root, "select distinct b from t where a = 1 limit 1"), f => f.RuleId == "QW001");
    }

    private static PlanNode Seed002(double loops, long removed, double subplanMs) =>
        Of(new PlanNode { NodeType = "Limit" }.Cost(0.43, 17.33, 1).Actual(149.336, 1, 1),
            Of(new PlanNode { NodeType = "LockRows" }.Cost(0.43, 2817155.90, 166667).Actual(149.335, 1, 1).As("Outer"),
                Of(new PlanNode
                {
                    NodeType = "Index Scan", IndexName = "jobs_priority_run_at_id_locked_at_without_failures_idx", RelationName = "jobs",
                    IndexCond = "(run_at <= now())",
                    Filter = "((attempts < max_attempts) AND ((locked_at IS NULL) OR (locked_at < (now() - '04:00:00'::interval))) AND ((queue_name IS NULL) OR (SubPlan 1)))",
                    RowsRemovedByFilter = removed,
                }.Cost(0.43, 2815489.23, 166667).Actual(149.332, 1, 1).As("Outer"),
                    Of(new PlanNode { NodeType = "LockRows" }.Cost(4.28, 8.31, 1).Actual(subplanMs, 0, loops).As("SubPlan", "SubPlan 1"),
                        new PlanNode
                        {
                            NodeType = "Bitmap Heap Scan", RelationName = "job_queues", RecheckCond = "(queue_name = jobs.queue_name)",
                            Filter = "((locked_at IS NULL) OR (locked_at < (now() - '04:00:00'::interval)))", RowsRemovedByFilter = 1,
                        }.Cost(4.28, 8.30, 1).Actual(0.001, 0, loops).As("Outer")))));

    [Fact]
    public void Or_ed_exists_run_per_row_is_named_and_counted()
    {
        var findings = Analyze(Seed002(79993, 80000, 0.002), executionMs: 149.391);

        var qw003 = Assert.Single(findings, f => f.RuleId == "QW003");
        Assert.Contains("ran 79,993 times", qw003.Message);
        Assert.Contains("EXISTS OR-ed", qw003.Message);
        Assert.Equal("Limit → LockRows → Index Scan on jobs → SubPlan 1 → LockRows", qw003.NodePath);
        var qw014 = Assert.Single(findings, f => f.RuleId == "QW014");
        Assert.Contains("removed 80,000 rows", qw014.Message);
        Assert.Equal("QW003", findings[0].RuleId);
    }

    [Fact]
    public void Subplan_that_ran_once_raises_neither_seed_002_rule()
    {
        var findings = Analyze(Seed002(1, 1, 0.032), executionMs: 0.142);

        Assert.DoesNotContain(findings, f => f.RuleId is "QW003" or "QW014");
    }

    private static PlanNode Seed003(double outerRows, double loops) =>
        Of(new PlanNode { NodeType = "Nested Loop", JoinType = "Inner" }.Cost(1.00, 2973129.73, 551532).Actual(304370.823, 0, 1),
            new PlanNode { NodeType = "Index Scan", IndexName = "index_ci_pipeline_artifacts_on_expire_at", RelationName = "ci_pipeline_artifacts", IndexCond = "(expire_at < '2022-09-03 14:08:04.68242+00'::timestamp with time zone)" }
                .Cost(0.43, 148004.78, 861831).Actual(7273.815, outerRows, 1).As("Outer"),
            new PlanNode { NodeType = "Index Scan", IndexName = "ci_pipelines_pkey", RelationName = "ci_pipelines", IndexCond = "(id = ci_pipeline_artifacts.pipeline_id)", Filter = "(locked = 0)", RowsRemovedByFilter = 1 }
                .Cost(0.57, 3.28, 1).Actual(0.344, 0, loops).As("Inner"));

    [Fact]
    public void Nested_loop_whose_inner_filter_rejects_every_row_is_flagged_with_its_loop_count()
    {
        var findings = Analyze(Seed003(861384, 861384), executionMs: 304370.874);

        var qw004 = Assert.Single(findings, f => f.RuleId == "QW004");
        Assert.Contains("ran 861,384 times", qw004.Message);
        Assert.Contains("removed 861,384 of the 861,384 rows it fetched (100%)", qw004.Message);
        Assert.Contains("CREATE INDEX CONCURRENTLY ON ci_pipelines (id, locked)", qw004.Suggestion);
        Assert.Equal("Nested Loop → Index Scan on ci_pipelines", qw004.NodePath);
    }

    [Fact]
    public void Batched_nested_loop_is_not_flagged()
    {
        Assert.DoesNotContain(Analyze(Seed003(1039, 1039), executionMs: 1619.645), f => f.RuleId == "QW004");
    }

    [Fact]
    public void Latest_dequeue_per_user_raises_the_four_seed_001_rules()
    {
        var aggregate = Of(new PlanNode { NodeType = "Aggregate", Strategy = "Sorted", GroupKey = ["exec_1.user_id"] }.Cost(0.42, 9891.90, 17).Actual(98.993, 5, 1).As("Subquery"),
            new PlanNode { NodeType = "Index Only Scan", IndexName = "batch_spec_workspace_execution_jobs_last_dequeue", RelationName = "batch_spec_workspace_execution_jobs", Alias = "exec_1", HeapFetches = 90581 }
                .Cost(0.42, 8206.51, 337044).Actual(73.499, 351240, 1).As("Outer"));
        var loop = Of(new PlanNode { NodeType = "Nested Loop", JoinType = "Inner", JoinFilter = "(exec.user_id = queue.user_id)", RowsRemovedByJoinFilter = 97448 }.Cost(0.84, 10244.69, 326).Actual(123.881, 24362, 1),
            new PlanNode { NodeType = "Index Scan", IndexName = "batch_spec_workspace_execution_jobs_state", RelationName = "batch_spec_workspace_execution_jobs", Alias = "exec", IndexCond = "(state = 'queued'::text)" }
                .Cost(0.42, 273.75, 326).Actual(8.702, 24362, 1).As("Outer"),
            Of(new PlanNode { NodeType = "Materialize" }.Cost(0.42, 9892.15, 17).Actual(0.004, 5, 24362).As("Inner"),
                Of(new PlanNode { NodeType = "Subquery Scan", Alias = "queue" }.Cost(0.42, 9892.07, 17).Actual(98.995, 5, 1).As("Outer"), aggregate)));
        var root = Of(new PlanNode { NodeType = "Limit" }.Cost(10718.47, 10718.49, 1).Actual(186.825, 1, 1),
            Of(new PlanNode { NodeType = "Sort", SortKey = ["queue.user_id"], SortMethod = "quicksort", SortSpaceType = "Memory", SortSpaceUsedKb = 2672 }.Cost(10258.29, 10259.11, 326).Actual(130.688, 24362, 1).As("Outer"), loop));

        var ids = Analyze(root, executionMs: 188.086).Select(f => f.RuleId).ToHashSet();

        Assert.Superset(new HashSet<string> { "QW005", "QW006", "QW007", "QW012" }, ids);
    }

    [Fact]
    public void Distinct_inside_in_is_flagged_only_when_the_sql_shows_it()
    {
        var root = Of(new PlanNode { NodeType = "Hash Join", JoinType = "Inner", HashCond = "(p.id = t.process_id)" }.Cost(10, 900, 50),
            new PlanNode { NodeType = "Seq Scan", RelationName = "processes", Alias = "p" }.Cost(0, 300, 10000).As("Outer"),
            Of(new PlanNode { NodeType = "Hash" }.Cost(500, 500, 50).As("Inner"),
                Of(new PlanNode { NodeType = "Aggregate", Strategy = "Hashed", GroupKey = ["t.process_id"] }.Cost(480, 490, 50).As("Outer"),
                    new PlanNode { NodeType = "Seq Scan", RelationName = "tasks", Alias = "t", Filter = "(state = 'failed'::text)" }.Cost(0, 450, 5000).As("Outer"))));

        Assert.DoesNotContain(Analyze(root), f => f.RuleId == "QW001");
        var finding = Assert.Single(Analyze(root, "SELECT * FROM processes p WHERE p.id IN (SELECT DISTINCT t.process_id FROM tasks t WHERE t.state = 'failed')"), f => f.RuleId == "QW001");
        Assert.Equal("Hash Join → Hash → HashAggregate", finding.NodePath);
    }

    [Fact]
    public void Severity_is_written_in_lower_case_in_json()
    {
        Assert.Equal("\"critical\"", System.Text.Json.JsonSerializer.Serialize(RuleSeverity.Critical));
        Assert.Equal(RuleSeverity.Info, System.Text.Json.JsonSerializer.Deserialize<RuleSeverity>("\"info\""));
    }
}
