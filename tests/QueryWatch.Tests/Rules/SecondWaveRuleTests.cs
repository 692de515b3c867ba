using QueryWatch.Explain;
using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;
using static QueryWatch.Tests.Rules.PlanTree;

namespace QueryWatch.Tests.Rules;

/// <summary>QW015–QW023 details the live fixtures alone do not pin down, and the index advice they carry.</summary>
public sealed class SecondWaveRuleTests
{
    private static readonly string RulesDir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans", "rules");

    private sealed class FixedStatistics(params TableStatistics[] tables) : ITableStatistics
    {
        public TableStatistics? Find(string? schema, string table) =>
            tables.FirstOrDefault(t => t.Table == table && (schema is null || t.Schema == schema));
    }

    [Fact]
    public void Large_offset_counts_the_rows_thrown_away_in_estimated_and_analyzed_plans()
    {
        var analyzed = Fixture("QW015-bad-analyze.txt").Single(f => f.RuleId == "QW015");
        var estimated = Fixture("QW015-bad-estimated.json").Single(f => f.RuleId == "QW015");

        Assert.Contains("200,000 rows of OFFSET", analyzed.Message);
        Assert.Contains(estimated.Evidence, e => e.Key == "rowsSkipped" && Math.Abs(double.Parse(e.Value, System.Globalization.CultureInfo.InvariantCulture) - 200_000) < 1_000);
        Assert.Contains("WHERE (sort_key, id) >", analyzed.Suggestion);
    }

    [Fact]
    public void Stale_statistics_from_the_plan_alone_is_an_info_that_says_what_to_check()
    {
        var finding = Fixture("QW017-bad-analyze.json").Single(f => f.RuleId == "QW017");

        Assert.Equal(RuleSeverity.Info, finding.Severity);
        Assert.Contains("cannot tell", finding.Message);
        Assert.Contains("CREATE STATISTICS orders_total_status (dependencies, mcv) ON total, status FROM orders", finding.Suggestion);
    }

    [Fact]
    public void Stale_statistics_with_many_rows_modified_since_analyze_is_a_warning_to_run_analyze()
    {
        var stats = new FixedStatistics(new TableStatistics("public", "orders", 101_000, 100_000, TimeSpan.FromHours(5)));

        var finding = Fixture("QW017-bad-analyze.json", stats).Single(f => f.RuleId == "QW017");

        Assert.Equal(RuleSeverity.Warning, finding.Severity);
        Assert.Contains("100,000 rows modified since its last ANALYZE", finding.Message);
        Assert.Contains("last analyzed 5 hours ago", finding.Message);
        Assert.StartsWith("Run ANALYZE orders;", finding.Suggestion);
    }

    [Fact]
    public void Misestimate_on_fresh_statistics_over_two_columns_suggests_extended_statistics()
    {
        var stats = new FixedStatistics(new TableStatistics("public", "orders", 101_000, 12, TimeSpan.FromMinutes(3)));

        var finding = Fixture("QW017-bad-analyze.json", stats).Single(f => f.RuleId == "QW017");

        Assert.Equal(RuleSeverity.Info, finding.Severity);
        Assert.Contains("fresh", finding.Message);
        Assert.Contains("CREATE STATISTICS", finding.Suggestion);
    }

    [Fact]
    public void Scan_stopped_early_by_a_limit_is_not_a_misestimate()
    {
        Assert.DoesNotContain(Fixture("QW015-fixed-analyze.json"), f => f.RuleId == "QW017");
    }

    [Fact]
    public void Function_on_filtered_column_proposes_the_expression_index()
    {
        var finding = Fixture("QW018-bad-analyze.txt").Single(f => f.RuleId == "QW018");

        Assert.Contains("CREATE INDEX CONCURRENTLY ON users ((lower(email)))", finding.Suggestion);
        Assert.Contains(finding.Evidence, e => e.Key == "index" && e.Value == "CREATE INDEX CONCURRENTLY ON users ((lower(email)))");
        Assert.DoesNotContain("user4242", finding.Message);
    }

    [Theory]
    [InlineData("(lower(email) = 'a@b.c'::text)", "lower(email)")]
    [InlineData("((created_at)::date = '2024-01-01'::date)", "(created_at)::date")]
    [InlineData("(date_trunc('day'::text, created_at) = '2024-01-01 00:00:00'::timestamp without time zone)", "date_trunc('day'::text, created_at)")]
    [InlineData("((state)::text = 'error'::text)", "")]
    [InlineData("(email = 'a@b.c'::text)", "")]
    [InlineData("(kind = ANY ('{1,2}'::integer[]))", "")]
    public void Wrapped_columns_are_functions_and_non_text_casts_of_a_column(string condition, string expected)
    {
        var wrapped = WrappedColumns.Read(condition);

        Assert.Equal(expected, string.Join("|", wrapped.Select(w => w.Expression)));
    }

    [Fact]
    public void Index_advice_puts_equality_columns_first_skips_or_branches_and_names_the_schema()
    {
        var scan = new PlanNode { NodeType = "Seq Scan", RelationName = "jobs", Schema = "app" };

        var advice = IndexAdvisor.ForConditions(scan, ["((run_at <= now()) AND (queue_id = 7) AND ((owner IS NULL) OR (x = 1)) AND (state = 'new'::text))"]);

        Assert.NotNull(advice);
        Assert.Equal("CREATE INDEX CONCURRENTLY ON app.jobs (queue_id, state, run_at)", advice.Ddl);
        Assert.Equal("CREATE INDEX ON app.jobs (queue_id, state, run_at)", advice.HypotheticalDdl);
    }

    [Fact]
    public void Planning_time_dominating_a_slow_query_is_reported_once_at_the_root()
    {
        var plan = Plan(Of(new PlanNode { NodeType = "Hash Join" }.Actual(3, 10, 1), new PlanNode { NodeType = "Seq Scan", RelationName = "p1" }.Actual(1, 10, 1)), executionTimeMs: 4);
        plan.PlanningTimeMs = 180;

        var finding = Assert.Single(new RuleEngine().Analyze(plan), f => f.RuleId == "QW021");

        Assert.Equal(0, finding.Node.Id);
        Assert.Contains("Planning took 180 ms", finding.Message);
    }

    [Fact]
    public void Sub_millisecond_planning_above_a_sub_millisecond_execution_is_normal()
    {
        var plan = Plan(new PlanNode { NodeType = "Index Scan", RelationName = "t" }.Actual(0.05, 1, 1), executionTimeMs: 0.07);
        plan.PlanningTimeMs = 0.4;

        Assert.DoesNotContain(new RuleEngine().Analyze(plan), f => f.RuleId == "QW021");
    }

    [Fact]
    public void Jit_taking_most_of_the_execution_is_reported_with_its_time()
    {
        var plan = Plan(new PlanNode { NodeType = "Aggregate" }.Actual(60, 1, 1), executionTimeMs: 62);
        plan.Jit = new JitDetail { Functions = 6, TotalMs = 55 };

        var finding = Assert.Single(new RuleEngine().Analyze(plan), f => f.RuleId == "QW021");

        Assert.Contains("JIT compilation took 55 ms", finding.Message);
        Assert.Contains("jit_above_cost", finding.Suggestion);
    }

    [Fact]
    public void An_index_the_planner_ignores_is_dropped_from_the_suggestion()
    {
        var finding = Fixture("QW009-bad-analyze.json").Single(f => f.RuleId == "QW009");
        const string ddl = "CREATE INDEX CONCURRENTLY ON events (account_id)";

        var dropped = IndexAdviceVerification.With(finding, ddl, IndexVerification.NotUsed(11405, 11405, "the planner does not use the index"));
        var unchecked_ = IndexAdviceVerification.With(finding, ddl, IndexVerification.NotVerified("the hypopg extension is not installed in this database"));
        var verified = IndexAdviceVerification.With(finding, ddl, IndexVerification.Verified(11405, 43.3, "<13381>btree_events_account_id"));

        Assert.DoesNotContain(ddl, dropped.Suggestion);
        Assert.DoesNotContain(dropped.Evidence, e => e.Key == "index");
        Assert.Contains(ddl, unchecked_.Suggestion);
        Assert.Contains(unchecked_.Evidence, e => e.Key == "indexVerification" && e.Value == "not verified");
        Assert.Contains("cost drops from 11,405 to 43", verified.Suggestion);
        Assert.Contains(verified.Evidence, e => e.Key == "indexCostAfter" && e.Value == "43.3");
    }

    private static IReadOnlyList<Finding> Fixture(string file, ITableStatistics? statistics = null)
    {
        var plan = PlanReader.Read(File.ReadAllText(Path.Combine(RulesDir, file)));
        return new RuleEngine().Analyze(plan, null, statistics);
    }
}
