using QueryWatch.Rules;

namespace QueryWatch.IntegrationTests.Rules;

/// <summary>
/// Issue 4, "Done means": for every rule, a plan reproduced on the real server fires it and the same
/// query fixed does not, captured live in TEXT and JSON, estimated and with ANALYZE, BUFFERS.
/// </summary>
[Collection(LiveRulesCollection.Name)]
public sealed class LiveRuleTests(PostgresFixture postgres, PostgresVersions versions, LiveRulesDatabase database)
{
    /// <summary>Each format, estimated and analyzed, on every server of <see cref="PostgresVersions"/> (issue 12).</summary>
    public static TheoryData<string, string, bool> Variants()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var server in PostgresVersions.Names)
        {
            data.Add(server, "text", false);
            data.Add(server, "json", false);
            data.Add(server, "text", true);
            data.Add(server, "json", true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public Task Distinct_existence_check_fires_on_the_live_bad_plan_and_not_on_the_fixed_one(string server, string format, bool analyze) =>
        AssertScenarioAsync(LiveRuleScenarios.DistinctExistenceCheck, server, format, analyze);

    [Theory]
    [MemberData(nameof(Variants))]
    public Task Exists_subplan_run_per_row_under_a_limit_fires_on_the_live_bad_plan_and_not_on_the_fixed_one(string server, string format, bool analyze) =>
        AssertScenarioAsync(LiveRuleScenarios.CorrelatedSubplanPerRow, server, format, analyze);

    [Theory]
    [MemberData(nameof(Variants))]
    public Task Nested_loop_inner_scan_discarding_every_row_fires_on_the_live_bad_plan_and_not_on_the_fixed_one(string server, string format, bool analyze) =>
        AssertScenarioAsync(LiveRuleScenarios.NestedLoopInnerDiscard, server, format, analyze);

    [Theory]
    [MemberData(nameof(Variants))]
    public Task Aggregate_recomputed_under_stale_statistics_fires_on_the_live_bad_plan_and_not_on_the_fixed_one(string server, string format, bool analyze) =>
        AssertScenarioAsync(LiveRuleScenarios.AggregateOverLargeInput, server, format, analyze);

    [Theory]
    [MemberData(nameof(Variants))]
    public Task Not_in_subquery_fires_on_the_live_bad_plan_and_not_exists_does_not(string server, string format, bool analyze) =>
        AssertScenarioAsync(LiveRuleScenarios.AntiJoinMissing, server, format, analyze);

    [Theory]
    [MemberData(nameof(Variants))]
    public Task Seq_scan_keeping_ten_rows_of_half_a_million_fires_on_the_live_bad_plan_and_not_with_the_index(string server, string format, bool analyze) =>
        AssertScenarioAsync(LiveRuleScenarios.SeqScanSelectiveFilter, server, format, analyze);

    [Theory]
    [MemberData(nameof(Variants))]
    public Task Sort_spilling_to_disk_fires_on_the_live_bad_plan_and_not_with_enough_work_mem(string server, string format, bool analyze) =>
        AssertScenarioAsync(LiveRuleScenarios.SortSpill, server, format, analyze);

    [Theory]
    [MemberData(nameof(Variants))]
    public Task Hash_split_into_batches_fires_on_the_live_bad_plan_and_not_with_enough_work_mem(string server, string format, bool analyze) =>
        AssertScenarioAsync(LiveRuleScenarios.HashSpill, server, format, analyze);

    [Theory]
    [MemberData(nameof(Variants))]
    public Task Index_only_scan_visiting_the_heap_fires_on_the_live_bad_plan_and_not_after_vacuum(string server, string format, bool analyze) =>
        AssertScenarioAsync(LiveRuleScenarios.HeapFetches, server, format, analyze);

    [Theory]
    [MemberData(nameof(Variants))]
    public Task Lossy_bitmap_fires_on_the_live_bad_plan_and_not_with_enough_work_mem(string server, string format, bool analyze) =>
        AssertScenarioAsync(LiveRuleScenarios.LossyBitmap, server, format, analyze);

    [Fact]
    public void Every_first_wave_rule_fires_in_some_live_scenario_with_analyze()
    {
        var covered = LiveRuleScenarios.All.SelectMany(s => s.FiresAnalyzed).ToHashSet(StringComparer.Ordinal);

        // The first wave (QW001-QW014) is reproduced here on every run; the second wave's plans were
        // captured live into Fixtures/plans/rules (see its README) and are checked by RuleFixtureTests.
        var uncovered = RuleCatalogue.All.Select(r => r.Id).Where(id => string.CompareOrdinal(id, "QW014") <= 0 && !covered.Contains(id)).ToArray();

        Assert.True(uncovered.Length == 0, "no live scenario fires " + string.Join(", ", uncovered));
    }

    private async Task AssertScenarioAsync(LiveRuleScenario scenario, string server, string format, bool analyze)
    {
        var variant = $"{server} {scenario.Name} {format} {(analyze ? "ANALYZE" : "estimated")}";
        var connectionString = server == PostgresVersions.Default
            ? database.ConnectionString
            : await versions.DatabaseAsync(server, postgres, "live_rules", LiveRulesDatabase.BuildAsync);
        var engine = new RuleEngine();

        var badText = await LivePlanCapture.ExplainAsync(connectionString, scenario.Bad, format, analyze);
        var bad = LivePlanCapture.Parse(badText, format);
        Assert.True(bad.Nodes.Any(n => n.DisplayName == scenario.BadNode),
            $"{variant}: the planner did not pick the bad shape (no {scenario.BadNode}):\n{badText}");
        var badRules = engine.Analyze(bad, scenario.Bad.Sql).Select(f => f.RuleId).ToArray();
        var expected = analyze ? scenario.FiresAnalyzed : scenario.FiresEstimated;
        var missing = expected.Except(badRules).ToArray();
        Assert.True(missing.Length == 0,
            $"{variant}: bad plan raised [{string.Join(", ", badRules)}], missing [{string.Join(", ", missing)}]:\n{badText}");

        var fixedText = await LivePlanCapture.ExplainAsync(connectionString, scenario.Fixed, format, analyze);
        // The fix must silence what the bad plan raised. Other rules may still speak about the fixed
        // query (QW019: the QW010 fix still returns 100,000 rows to the application), which is true.
        var fixedFindings = engine.Analyze(LivePlanCapture.Parse(fixedText, format), scenario.Fixed.Sql)
            .Where(f => expected.Contains(f.RuleId)).ToList();
        Assert.True(fixedFindings.Count == 0,
            $"{variant}: fixed plan raised [{string.Join(", ", fixedFindings.Select(f => f.RuleId + ": " + f.Message))}]:\n{fixedText}");
    }
}
