using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;
using static QueryWatch.Tests.Rules.PlanTree;

namespace QueryWatch.Tests.Rules;

public sealed class RuleEngineTests
{
    private static Plan SpillingSortOverSelectiveScan() => Plan(
        Of(new PlanNode { NodeType = "Sort", SortKey = ["payload"], SortMethod = "external merge", SortSpaceType = "Disk", SortSpaceUsedKb = 5040 }.Cost(100, 200, 10).Actual(400, 10, 1),
            new PlanNode { NodeType = "Seq Scan", RelationName = "events", Filter = "(account_id = 4242)", RowsRemovedByFilter = 499990 }.Cost(0, 100, 10).Actual(78, 10, 1).As("Outer")),
        executionTimeMs: 400);

    [Fact]
    public void Findings_come_most_expensive_node_first()
    {
        var findings = new RuleEngine().Analyze(SpillingSortOverSelectiveScan());

        Assert.Equal(["QW010", "QW009"], findings.Select(f => f.RuleId));
        Assert.Equal(1.0, findings[0].Weight, 3);
        Assert.Equal(78 / 400.0, findings[1].Weight, 3);
    }

    [Fact]
    public void A_disabled_rule_reports_nothing()
    {
        var engine = new RuleEngine(new Dictionary<string, RuleOptions> { ["sort-spill"] = new() { Enabled = false } });

        Assert.Equal(["QW009"], engine.Analyze(SpillingSortOverSelectiveScan()).Select(f => f.RuleId));
    }

    [Fact]
    public void Severity_override_applies_to_every_finding_of_the_rule()
    {
        var engine = new RuleEngine(new Dictionary<string, RuleOptions> { ["QW009"] = new() { Severity = RuleSeverity.Critical } });

        Assert.Equal(RuleSeverity.Critical, engine.Analyze(SpillingSortOverSelectiveScan()).Single(f => f.RuleId == "QW009").Severity);
    }

    [Fact]
    public void Threshold_override_silences_a_rule_below_it()
    {
        var options = new RuleOptions();
        options.Thresholds["MINROWSSCANNED"] = 1_000_000;
        var engine = new RuleEngine(new Dictionary<string, RuleOptions> { ["qw009"] = options });

        Assert.DoesNotContain(engine.Analyze(SpillingSortOverSelectiveScan()), f => f.RuleId == "QW009");
    }

    [Fact]
    public void Selective_seq_scan_message_carries_the_numbers_and_the_index()
    {
        var finding = new RuleEngine().Analyze(SpillingSortOverSelectiveScan()).Single(f => f.RuleId == "QW009");

        Assert.Contains("read 500,000 rows", finding.Message);
        Assert.Contains("kept 10 (0.002%)", finding.Message);
        Assert.Contains("CREATE INDEX CONCURRENTLY ON events (account_id)", finding.Suggestion);
        Assert.Contains(finding.Evidence, e => e.Key == "rowsScanned" && e.Value == "500000");
    }

    [Fact]
    public void Catalogue_lists_every_rule_once_in_id_order_with_unique_names()
    {
        var rules = RuleCatalogue.All;

        // Presence and order, not a count: rules are added side by side, and an id is never reused.
        foreach (var id in Enumerable.Range(1, 25).Select(i => $"QW{i:000}").Append("QW027"))
            Assert.Contains(rules, r => r.Id == id);
        Assert.Equal(rules.Select(r => r.Id).Order(StringComparer.Ordinal), rules.Select(r => r.Id));
        Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct().Count());
        Assert.Equal(rules.Count, rules.Select(r => r.Name).Distinct().Count());
        Assert.All(rules, r => Assert.False(string.IsNullOrWhiteSpace(r.Summary)));
    }

    public static TheoryData<string> OddPlans() =>
    [
        "no costs", "zero loops", "never executed", "empty", "dangling subplan",
    ];

    [Theory]
    [MemberData(nameof(OddPlans))]
    public void Odd_plans_give_fewer_findings_not_an_exception(string kind)
    {
        var root = kind switch
        {
            "no costs" => Of(new PlanNode { NodeType = "Limit" },
                Of(new PlanNode { NodeType = "Unique" }, new PlanNode { NodeType = "Index Scan", Filter = "(a = 1)" }),
                new PlanNode { NodeType = "Nested Loop" }, new PlanNode { NodeType = "Aggregate", Strategy = "Hashed", HashAggBatches = 3 }),
            "zero loops" => Of(new PlanNode { NodeType = "Nested Loop", JoinFilter = "(a = b)", ActualLoops = 0, ActualRows = 0, RowsRemovedByJoinFilter = 5 },
                new PlanNode { NodeType = "Seq Scan", RelationName = "t", Filter = "(x = 1)", ActualLoops = 0, ActualRows = 0, RowsRemovedByFilter = 100000 },
                new PlanNode { NodeType = "Index Scan", RelationName = "u", Filter = "(y = 1)", ActualLoops = 0, ActualRows = 0 }),
            "never executed" => Of(new PlanNode { NodeType = "Limit", NeverExecuted = true, PlanRows = 1, TotalCost = 1 },
                new PlanNode { NodeType = "Index Scan", NeverExecuted = true, Filter = "(NOT (SubPlan 1))", PlanRows = 1e6, TotalCost = 1e6 }),
            "empty" => new PlanNode(),
            _ => Of(new PlanNode { NodeType = "Seq Scan", Filter = "(NOT (SubPlan 9)) AND (SubPlan", PlanRows = 1e6 },
                new PlanNode { NodeType = "Result", ParentRelationship = "SubPlan", SubplanName = "SubPlan 1" }),
        };

        var findings = new RuleEngine().Analyze(Plan(root));

        Assert.All(findings, f => Assert.InRange(f.Weight, 0, 1));
    }
}
