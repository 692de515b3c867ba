using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Rules;

/// <summary>
/// Estimated plans reasoned about as plans (issue #11): executions from the plan's structure, estimated
/// forms of the rules that read loops, and the command's duration as evidence (QW025 early-stop-bet).
/// </summary>
public sealed class EstimatedPlanTests
{
    private static readonly string Plans = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans");

    private static Plan Read(params string[] path) => PlanReader.Read(File.ReadAllText(Path.Combine([Plans, .. path])));

    private static PlanNode Node(Plan plan, string displayStart) => plan.Nodes.First(n => n.DisplayName.StartsWith(displayStart, StringComparison.Ordinal));

    private static IReadOnlyList<Finding> Analyze(Plan plan, ObservedRun? observed = null) => new RuleEngine().Analyze(plan, observed: observed);

    [Theory]
    [InlineData("003-before-estimated.txt")]
    [InlineData("003-before.txt")]
    public void Inner_side_of_a_nested_loop_is_planned_once_per_outer_row(string file)
    {
        var plan = Read("seeds", file);

        Assert.Equal(1, plan.Root.EstimatedExecutions);
        Assert.Equal(1, Node(plan, "Index Scan using index_ci_pipeline_artifacts_on_expire_at").EstimatedExecutions);
        Assert.Equal(861_831, Node(plan, "Index Scan using ci_pipelines_pkey").EstimatedExecutions);
    }

    [Theory]
    [InlineData("QW008-rescan-estimated.txt")]
    [InlineData("QW008-rescan-estimated.json")]
    public void Hashed_subplan_reading_an_outer_parameter_is_rebuilt_once_per_rescan(string file)
    {
        var plan = Read("rules", file);

        var subPlan = plan.Nodes.Single(n => n.SubplanName == "SubPlan 1");
        Assert.Equal(2_000, subPlan.EstimatedExecutions);
        // The plan's own arithmetic agrees: the loop's cost is the rescans times the inner side's.
        var product = 2_000 * Node(plan, "Limit").TotalCost!.Value;
        Assert.InRange(plan.Root.TotalCost!.Value, product, 1.01 * product);
    }

    [Fact]
    public void Uncorrelated_hashed_subplan_is_built_once()
    {
        var plan = PlanReader.Read("""
            Seq Scan on processes p  (cost=375.67..409.67 rows=1000 width=4)
              Filter: (NOT (hashed SubPlan 1))
              SubPlan 1
                ->  Seq Scan on tasks t  (cost=0.00..359.00 rows=6667 width=4)
                      Filter: (state = 1)
            """);

        Assert.Equal(1, plan.Nodes.Single(n => n.SubplanName == "SubPlan 1").EstimatedExecutions);
        Assert.Equal(RuleSeverity.Info, Analyze(plan).Single(f => f.RuleId == "QW008").Severity);
    }

    [Fact]
    public void Plain_subplan_is_planned_once_per_row_of_the_node_evaluating_it()
    {
        var plan = Read("rules", "QW008-bad-estimated.txt");

        Assert.Equal(1_022, plan.Nodes.Single(n => n.SubplanName == "SubPlan 1").EstimatedExecutions);
        // A Materialize reads its input once, however often it is rescanned.
        Assert.Equal(1, Node(plan, "Bitmap Heap Scan").EstimatedExecutions);
    }

    [Theory]
    [InlineData("QW008-rescan-estimated.txt")]
    [InlineData("QW008-rescan-estimated.json")]
    public void Not_in_whose_hash_is_rebuilt_per_rescan_is_a_warning_on_the_estimated_plan(string file)
    {
        var finding = Analyze(Read("rules", file)).Single(f => f.RuleId == "QW008");

        Assert.Equal(RuleSeverity.Warning, finding.Severity);
        Assert.Equal(FindingBasis.Estimated, finding.Basis);
        Assert.Contains(finding.Evidence, e => e.Key == "rebuiltPerRescan" && e.Value == "true");
        Assert.Contains(finding.Evidence, e => e.Key == "plannedBuilds" && e.Value == "2000");
    }

    [Fact]
    public void Pasted_seed_003_plan_without_a_duration_says_what_it_rests_on_at_info()
    {
        var findings = Analyze(Read("seeds", "003-before-estimated.txt"));

        var loop = findings.Single(f => f.RuleId == "QW004");
        Assert.Equal(RuleSeverity.Info, loop.Severity);
        Assert.Equal(FindingBasis.Estimated, loop.Basis);
        Assert.Contains("planned to run 861,831 times", loop.Message, StringComparison.Ordinal);
        Assert.Contains(loop.Evidence, e => e.Key == "plannedExecutions" && e.Value == "861831");
        var bet = findings.Single(f => f.RuleId == "QW025");
        Assert.Equal(RuleSeverity.Info, bet.Severity);
        Assert.Equal(FindingBasis.Estimated, bet.Basis);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Seed_003_plan_with_the_duration_it_ran_is_a_lost_bet_resting_on_the_duration(bool finished)
    {
        var findings = Analyze(Read("seeds", "003-before-estimated.txt"), ObservedRun.Of(TimeSpan.FromSeconds(304), finished));

        var bet = findings.Single(f => f.RuleId == "QW025");
        Assert.Equal(RuleSeverity.Warning, bet.Severity);
        Assert.Equal(FindingBasis.Observed, bet.Basis);
        Assert.Equal("Limit", bet.NodePath);
        Assert.Contains(bet.Evidence, e => e.Key == "condition" && e.Value == "(locked = …)");
        Assert.Contains(bet.Evidence, e => e.Key == "loops" && e.Value == "861831");
        Assert.Contains(bet.Evidence, e => e.Key == "worstCaseCost" && e.Value == "2973129.73");
        var loop = findings.Single(f => f.RuleId == "QW004");
        Assert.Equal(RuleSeverity.Warning, loop.Severity);
        Assert.Equal(FindingBasis.Observed, loop.Basis);
    }

    [Fact]
    public void A_command_as_fast_as_its_plan_predicts_won_its_bet()
    {
        var findings = Analyze(Read("seeds", "003-before-estimated.txt"), ObservedRun.Of(TimeSpan.FromMilliseconds(8), finished: true));

        Assert.DoesNotContain(findings, f => f.RuleId == "QW025");
        Assert.DoesNotContain(findings, f => f.Severity >= RuleSeverity.Warning);
    }

    [Fact]
    public void A_duration_the_bet_cannot_account_for_is_not_blamed_on_it()
    {
        // 2,973,130 cost units at 0.01 ms are about 30 s: an hour-long wait is something else (a lock, a sleep).
        var findings = Analyze(Read("seeds", "003-before-estimated.txt"), ObservedRun.Of(TimeSpan.FromHours(1), finished: false));

        Assert.DoesNotContain(findings, f => f.Severity >= RuleSeverity.Warning);
    }

    [Fact]
    public void The_learned_cost_to_time_factor_decides_what_the_plan_predicts()
    {
        var plan = Read("seeds", "003-before-estimated.txt");
        // At 1 ms per cost unit the plan predicts 540 ms: 3 s is not far longer than that.
        var slowServer = ObservedRun.Of(TimeSpan.FromSeconds(3), finished: false) with { MsPerCostUnit = 1 };
        var defaultFactor = ObservedRun.Of(TimeSpan.FromSeconds(3), finished: false);

        Assert.DoesNotContain(Analyze(plan, slowServer), f => f.RuleId == "QW025");
        Assert.Equal(FindingBasis.Observed, Analyze(plan, defaultFactor).Single(f => f.RuleId == "QW025").Basis);
    }

    [Fact]
    public void Analyze_plans_are_left_to_the_measured_rules()
    {
        var findings = Analyze(Read("seeds", "003-before.txt"), ObservedRun.Of(TimeSpan.FromSeconds(304), finished: true));

        Assert.DoesNotContain(findings, f => f.RuleId == "QW025");
        Assert.Equal(FindingBasis.Measured, findings.Single(f => f.RuleId == "QW004").Basis);
    }

    [Fact]
    public void Correlated_subplan_under_a_limit_is_info_until_the_duration_shows_the_limit_did_not_stop_it()
    {
        var plan = Read("rules", "QW003-bad-estimated.txt");

        var pasted = Analyze(plan).Single(f => f.RuleId == "QW003");
        var cancelled = Analyze(plan, ObservedRun.Of(TimeSpan.FromMilliseconds(80), finished: false)).Single(f => f.RuleId == "QW003");

        Assert.Equal((RuleSeverity.Info, FindingBasis.Estimated), (pasted.Severity, pasted.Basis));
        Assert.Contains("planned to run 99,990 times", pasted.Message, StringComparison.Ordinal);
        Assert.Equal((RuleSeverity.Warning, FindingBasis.Observed), (cancelled.Severity, cancelled.Basis));
    }

    [Fact]
    public void Limit_walking_an_index_rests_on_the_duration_when_it_ran_far_longer_than_planned()
    {
        var plan = Read("seeds", "000-before.txt");

        Assert.Equal(FindingBasis.Estimated, Analyze(plan).Single(f => f.RuleId == "QW014").Basis);
        var cancelled = Analyze(plan, ObservedRun.Of(TimeSpan.FromSeconds(30), finished: false)).Single(f => f.RuleId == "QW014");
        Assert.Equal((RuleSeverity.Warning, FindingBasis.Observed), (cancelled.Severity, cancelled.Basis));
    }

    [Fact]
    public void Exists_that_expects_an_early_match_on_each_run_is_a_bet_too()
    {
        var plan = PlanReader.Read("""
            Nested Loop Semi Join  (cost=0.42..52000.00 rows=100 width=4)
              ->  Seq Scan on accounts a  (cost=0.00..20.00 rows=1000 width=4)
              ->  Index Scan using events_account_id on events e  (cost=0.42..40000.00 rows=50000 width=4)
                    Index Cond: (account_id = a.id)
                    Filter: (kind = 5)
            """);

        Assert.Equal(RuleSeverity.Info, Analyze(plan).Single(f => f.RuleId == "QW025").Severity);
        var lost = Analyze(plan, ObservedRun.Of(TimeSpan.FromMinutes(5), finished: false)).Single(f => f.RuleId == "QW025");
        Assert.Equal((RuleSeverity.Warning, FindingBasis.Observed), (lost.Severity, lost.Basis));
        Assert.Contains(lost.Evidence, e => e.Key == "condition" && e.Value == "(kind = …)");
    }

    private sealed class LiveRows(string table, long rows) : ITableStatistics
    {
        public TableStatistics? Find(string? schema, string name) => name == table ? new TableStatistics("public", table, rows, 0, TimeSpan.FromMinutes(1)) : null;
    }

    [Fact]
    public void Estimated_seq_scan_reads_the_table_size_from_its_statistics()
    {
        var plan = Read("rules", "QW009-bad-estimated.txt");

        Assert.DoesNotContain(Analyze(plan), f => f.RuleId == "QW009");
        var finding = new RuleEngine().Analyze(plan, statistics: new LiveRows("events", 500_000)).Single(f => f.RuleId == "QW009");
        Assert.Equal((RuleSeverity.Warning, FindingBasis.Estimated), (finding.Severity, finding.Basis));
        Assert.Contains(finding.Evidence, e => e.Key == "rowsScanned" && e.Value == "500000");
        Assert.DoesNotContain(new RuleEngine().Analyze(plan, statistics: new LiveRows("events", 900)), f => f.RuleId == "QW009");
    }
}
