using QueryWatch.Explain;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;
using Xunit;

namespace QueryWatch.Tests.Explain;

/// <summary>
/// The probe builder on VERBOSE plans captured on PostgreSQL 15 (Fixtures/plans/probes: each .sql beside
/// its EXPLAIN (FORMAT JSON, VERBOSE)): it restates the two bets and refuses whatever could write, lock,
/// call a function or read a SubPlan.
/// </summary>
public sealed class ProbeBuilderTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans", "probes");
    private static readonly ProbeIndexOrder CreatedAt = new([new ProbeIndexKey("created_at", false, false)], IsBtree: true, Predicate: null);

    private static (Plan Plan, SqlStatement Statement) Load(string name)
    {
        var plan = JsonPlanParser.Parse(File.ReadAllText(Path.Combine(Dir, name + ".json")));
        var sql = File.ReadAllText(Path.Combine(Dir, name + ".sql")).Trim();
        return (plan, SqlStatementSplitter.Split(sql)[0]);
    }

    private static Finding At(PlanNode node, string ruleId = "QW014") =>
        new(ruleId, "rule", RuleSeverity.Warning, node, PlanPath.Of(node), "message", "suggestion", [], 1, FindingBasis.Estimated);

    private static PlanNode Node(Plan plan, string nodeType, string? relation = null) =>
        plan.Nodes.First(n => n.NodeType == nodeType && (relation is null || n.RelationName == relation));

    private static bool HasSubPlans(Plan plan) => plan.Nodes.Any(n => n.ParentRelationship is "SubPlan" or "InitPlan");

    [Fact]
    public void Index_walk_under_a_limit_counts_the_filter_over_the_first_rows_in_index_order()
    {
        var (plan, statement) = Load("limit-index-filter");
        var target = ProbeBuilder.Locate(At(Node(plan, "Index Scan")), plan, statement, out var refusal);

        Assert.Equal(ProbeRefusal.None, refusal);
        Assert.Equal(BetShape.IndexWalk, target!.Shape);
        Assert.Equal("events_created_at", target.OrderIndex);
        var probe = ProbeBuilder.Build(target, CreatedAt, HasSubPlans(plan), out refusal);
        Assert.Equal(ProbeRefusal.None, refusal);
        Assert.Equal(
            "SELECT count(*) FILTER (WHERE probe.querywatch_probe_passed) AS passed, count(*) AS read FROM (SELECT ((events.status = 7)) AS querywatch_probe_passed FROM ONLY \"public\".\"events\" AS \"events\" ORDER BY \"events\".\"created_at\" ASC NULLS LAST LIMIT 10000) AS probe",
            probe!.Sql);
        Assert.Equal(0, probe.ParameterCount);
        Assert.Equal(["status"], probe.FilterColumns);
        Assert.Equal(["="], probe.Operators);
    }

    [Fact]
    public void Finding_at_the_limit_finds_the_same_walk()
    {
        var (plan, statement) = Load("limit-index-filter");
        var target = ProbeBuilder.Locate(At(plan.Root, "QW025"), plan, statement, out _);

        Assert.Same(Node(plan, "Index Scan"), target!.Walked);
        Assert.Same(plan.Root, target.Limit);
    }

    [Fact]
    public void Backward_walk_reverses_the_index_order_and_keeps_its_index_cond()
    {
        var (plan, statement) = Load("limit-index-filter-backward");
        var target = ProbeBuilder.Locate(At(Node(plan, "Index Scan")), plan, statement, out _);
        var probe = ProbeBuilder.Build(target!, CreatedAt, HasSubPlans(plan), out _);

        Assert.Contains("ORDER BY \"events\".\"created_at\" DESC NULLS FIRST LIMIT 10000", probe!.Sql);
        Assert.Contains("WHERE ((events.created_at > '2000-01-01 00:00:00+00'::timestamp with time zone))", probe.Sql);
    }

    [Fact]
    public void Nested_loop_counts_outer_rows_that_find_an_inner_row_passing_the_inner_filter()
    {
        var (plan, statement) = Load("nested-loop-inner-filter");
        var inner = Node(plan, "Index Scan", "pipelines");
        var target = ProbeBuilder.Locate(At(inner, "QW004"), plan, statement, out var refusal);

        Assert.Equal(ProbeRefusal.None, refusal);
        Assert.Equal(BetShape.NestedLoop, target!.Shape);
        Assert.Equal("artifacts", target.Walked.RelationName);
        Assert.Equal("artifacts_expire_at", target.OrderIndex);
        var probe = ProbeBuilder.Build(target, new([new ProbeIndexKey("expire_at", false, false)], true, null), HasSubPlans(plan), out refusal);
        Assert.Equal(ProbeRefusal.None, refusal);
        Assert.Equal(
            "SELECT count(*) FILTER (WHERE EXISTS (SELECT FROM ONLY \"public\".\"pipelines\" AS \"p\" WHERE ((p.id = a.pipeline_id)) AND ((p.locked = 0)))) AS passed, count(*) AS read FROM (SELECT \"a\".* FROM ONLY \"public\".\"artifacts\" AS \"a\" WHERE ((a.expire_at < '2030-01-01 00:00:00+00'::timestamp with time zone)) ORDER BY \"a\".\"expire_at\" ASC NULLS LAST LIMIT 10000) AS \"a\"",
            probe!.Sql);
        Assert.Equal(["locked"], probe.FilterColumns);
    }

    [Fact]
    public void Finding_at_a_limit_over_a_nested_loop_finds_the_loop_and_the_limit_it_serves()
    {
        var (plan, statement) = Load("nested-loop-inner-filter");
        var target = ProbeBuilder.Locate(At(plan.Root, "QW025"), plan, statement, out _);

        Assert.Equal(BetShape.NestedLoop, target!.Shape);
        Assert.Same(Node(plan, "Nested Loop"), target.Loop);
        Assert.Equal("pipelines", target.Inner!.RelationName);
        Assert.Same(plan.Root, target.Limit);
    }

    [Fact]
    public void Nested_loop_over_a_sequential_scan_reads_without_an_order_and_keeps_the_outer_filter()
    {
        var (plan, statement) = Load("nested-loop-seq-outer");
        var target = ProbeBuilder.Locate(At(Node(plan, "Nested Loop"), "QW025"), plan, statement, out _);
        var probe = ProbeBuilder.Build(target!, null, HasSubPlans(plan), out var refusal);

        Assert.Equal(ProbeRefusal.None, refusal);
        Assert.Null(target!.OrderIndex);
        Assert.DoesNotContain("ORDER BY", probe!.Sql);
        Assert.Contains("FROM ONLY \"public\".\"artifacts\" AS \"a\" WHERE ((a.expire_at < '2030-01-01 00:00:00+00'::timestamp with time zone)) LIMIT 10000", probe.Sql);
    }

    [Fact]
    public void Partial_index_predicate_joins_the_walk()
    {
        var (plan, statement) = Load("limit-index-filter");
        var target = ProbeBuilder.Locate(At(Node(plan, "Index Scan")), plan, statement, out _);
        var probe = ProbeBuilder.Build(target!, CreatedAt with { Predicate = "(note IS NULL)" }, HasSubPlans(plan), out var refusal);

        Assert.Equal(ProbeRefusal.None, refusal);
        Assert.Contains("WHERE ((note IS NULL)) ORDER BY", probe!.Sql);
    }

    [Fact]
    public void Refuses_an_update()
    {
        var (plan, statement) = Load("update");
        Assert.Null(ProbeBuilder.Locate(At(Node(plan, "Index Scan")), plan, statement, out var refusal));
        Assert.Equal(ProbeRefusal.NotReadOnly, refusal);
    }

    [Fact]
    public void Refuses_a_select_for_update()
    {
        var (plan, statement) = Load("for-update");
        Assert.Null(ProbeBuilder.Locate(At(Node(plan, "Index Scan")), plan, statement, out var refusal));
        Assert.Equal(ProbeRefusal.Locking, refusal);
    }

    [Fact]
    public void Refuses_a_filter_that_calls_a_function()
    {
        var (plan, statement) = Load("function-call");
        var target = ProbeBuilder.Locate(At(Node(plan, "Index Scan")), plan, statement, out _);
        Assert.Null(ProbeBuilder.Build(target!, CreatedAt, HasSubPlans(plan), out var refusal));
        Assert.Equal(ProbeRefusal.FunctionCall, refusal);
    }

    [Fact]
    public void Refuses_a_filter_that_reads_a_subplan()
    {
        var (plan, statement) = Load("subplan-filter");
        var target = ProbeBuilder.Locate(At(Node(plan, "Index Scan", "events")), plan, statement, out _);
        Assert.Null(ProbeBuilder.Build(target!, CreatedAt, HasSubPlans(plan), out var refusal));
        Assert.Equal(ProbeRefusal.SubPlanReference, refusal);
    }

    [Fact]
    public void Refuses_an_index_whose_order_cannot_be_restated()
    {
        var (plan, statement) = Load("limit-index-filter");
        var target = ProbeBuilder.Locate(At(Node(plan, "Index Scan")), plan, statement, out _);

        Assert.Null(ProbeBuilder.Build(target!, new([new ProbeIndexKey(null, false, false)], true, null), false, out var expression));
        Assert.Null(ProbeBuilder.Build(target!, CreatedAt with { IsBtree = false }, false, out var gist));
        Assert.Null(ProbeBuilder.Build(target!, null, false, out var missing));
        Assert.Equal([ProbeRefusal.IndexOrder, ProbeRefusal.IndexOrder, ProbeRefusal.IndexOrder], [expression, gist, missing]);
    }

    [Fact]
    public void Refuses_a_partial_index_predicate_that_calls_a_function()
    {
        var (plan, statement) = Load("limit-index-filter");
        var target = ProbeBuilder.Locate(At(Node(plan, "Index Scan")), plan, statement, out _);
        Assert.Null(ProbeBuilder.Build(target!, CreatedAt with { Predicate = "(created_at > now())" }, false, out var refusal));
        Assert.Equal(ProbeRefusal.FunctionCall, refusal);
    }

    [Fact]
    public void Refuses_a_node_that_is_no_single_table_bet()
    {
        var (plan, statement) = Load("nested-loop-inner-filter");
        // The outer scan is walked in order but has no Filter of its own, and no Limit sits right above it.
        Assert.Null(ProbeBuilder.Locate(At(Node(plan, "Index Scan", "artifacts"), "QW002"), plan, statement, out var refusal));
        Assert.Equal(ProbeRefusal.Shape, refusal);
    }

    [Fact]
    public void Generic_plan_parameter_is_bound_to_the_captured_parameter_it_numbers()
    {
        var (plan, _) = Load("generic-parameter");
        var statement = SqlStatementSplitter.Split("SELECT * FROM events WHERE owner_id = @owner AND status = @status ORDER BY created_at LIMIT 10")[0];
        var target = ProbeBuilder.Locate(At(Node(plan, "Index Scan")), plan, statement, out _);
        var probe = ProbeBuilder.Build(target!, CreatedAt, HasSubPlans(plan), out var refusal);

        Assert.Equal(ProbeRefusal.None, refusal);
        Assert.Contains("((events.status = $1))", probe!.Sql);
        Assert.Equal(1, probe.ParameterCount);
        CapturedParameter owner = new("@owner", 3, null, null, System.Data.DbType.Int32, System.Data.ParameterDirection.Input);
        CapturedParameter status = new("status", 7, null, null, System.Data.DbType.Int32, System.Data.ParameterDirection.Input);
        var bound = ProbeBuilder.BindParameters(statement, [status, owner], 2);
        Assert.Equal([owner, status], bound);
        Assert.Null(ProbeBuilder.BindParameters(statement, [status], 2));
    }

    [Theory]
    [InlineData("(t.a = 1)", "None")]
    [InlineData("((t.a = ANY ('{1,2}'::integer[])) AND (t.b IS NOT NULL))", "None")]
    [InlineData("((t.price)::numeric(10,2) > 5.5 OR (NOT t.flag))", "None")]
    [InlineData("(t.\"Name\" = 'x'::character varying COLLATE \"C\")", "Expression")]
    [InlineData("(lower(t.email) = 'x'::text)", "FunctionCall")]
    [InlineData("(pg_catalog.lower(t.email) = 'x'::text)", "Expression")]
    [InlineData("(t.a = COALESCE(t.b, 0))", "None")]
    [InlineData("(t.a = EXTRACT(year FROM t.d))", "FunctionCall")]
    [InlineData("(t.a = (SubPlan 1))", "SubPlanReference")]
    [InlineData("(t.a = (InitPlan 1).col1)", "SubPlanReference")]
    [InlineData("(t.a = o.b)", "Expression")]
    [InlineData("(t.a = 1); DROP TABLE t", "Expression")]
    [InlineData("(t.a = 1) /* x */", "Expression")]
    [InlineData("((t.a = 1)", "Expression")]
    [InlineData("(t.a IS DISTINCT FROM 3)", "None")]
    [InlineData("(t.ts < CURRENT_TIMESTAMP)", "None")]
    public void Expression_check_accepts_plain_comparisons_only(string expression, string expected)
    {
        Assert.Equal(Enum.Parse<ProbeRefusal>(expected), ProbeExpression.Check(expression, ["t"], new HashSet<int>()));
    }

    [Fact]
    public void Measured_figure_makes_the_finding_probed_with_its_counts_as_evidence_and_no_value_in_its_message()
    {
        var (plan, statement) = Load("nested-loop-inner-filter");
        var finding = At(Node(plan, "Index Scan", "pipelines"), "QW004");
        var target = ProbeBuilder.Locate(finding, plan, statement, out _);
        var probe = ProbeBuilder.Build(target!, new([new ProbeIndexKey("expire_at", false, false)], true, null), false, out _);

        var measured = BetProbes.WithFigure(finding, probe!, new ProbeResult(0, 10_000, TimeSpan.FromMilliseconds(12)));

        Assert.Equal(FindingBasis.Probed, measured.Basis);
        Assert.Equal(
            [new("probedRowsRead", "10000"), new("probedRowsPassed", "0"), new("probedOrder", "artifacts_expire_at"), new("probeMs", "12")],
            measured.Evidence);
        Assert.StartsWith(finding.Message, measured.Message);
        Assert.DoesNotContain("2030-01-01", measured.Message);
        Assert.DoesNotContain("locked = 0", measured.Message);
    }
}
