using QueryWatch.Explain;
using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Rules;

/// <summary>QW026 plan-changed (issue #15), judged from two plans and the durations alone.</summary>
public sealed class PlanChangedRuleTests
{
    private static readonly DateTimeOffset Seen = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    private const string Before = """
        Nested Loop  (cost=0.29..16.34 rows=5 width=8)
          ->  Seq Scan on customers c  (cost=0.00..8.00 rows=1 width=4)
                Filter: (email = 'ann@example.com'::text)
          ->  Index Scan using ix_orders_customer on orders o  (cost=0.29..8.31 rows=5 width=8)
                Index Cond: (customer_id = c.id)
        """;

    private const string After = """
        Hash Join  (cost=8.01..1900.00 rows=5 width=8)
          Hash Cond: (o.customer_id = c.id)
          ->  Seq Scan on orders o  (cost=0.00..1700.00 rows=100000 width=8)
          ->  Hash  (cost=8.00..8.00 rows=1 width=4)
                ->  Seq Scan on customers c  (cost=0.00..8.00 rows=1 width=4)
                      Filter: (email = 'ann@example.com'::text)
        """;

    private static PriorPlan Prior(string plan, params double[] ms)
    {
        var parsed = PlanReader.Read(plan);
        return new PriorPlan(PlanShape.Skeleton(parsed), PlanShape.Hash(parsed), Seen, [.. ms.Select(TimeSpan.FromMilliseconds)]) { Now = Seen.AddHours(3) };
    }

    private static IReadOnlyList<Finding> Analyze(string plan, double ms, PriorPlan? prior) =>
        new RuleEngine().Analyze(PlanReader.Read(plan), observed: ObservedRun.Of(TimeSpan.FromMilliseconds(ms), finished: true) with { Prior = prior });

    [Fact]
    public void A_new_shape_that_runs_slower_than_the_old_one_is_reported_with_what_changed()
    {
        var prior = Prior(Before, 3, 4, 5) with { DroppedIndexes = ["ix_orders_customer"] };

        var finding = Assert.Single(Analyze(After, 2400, prior), f => f.RuleId == "QW026");

        Assert.Equal("plan-changed", finding.RuleName);
        Assert.Equal(RuleSeverity.Warning, finding.Severity);
        Assert.Equal(FindingBasis.Observed, finding.Basis);
        Assert.Equal("Hash Join", finding.Node.NodeType);
        Assert.Contains(finding.Evidence, e => e.Key == "previousShape" && e.Value == PlanShape.Format(prior.ShapeHash));
        Assert.Contains(finding.Evidence, e => e.Key == "shape" && e.Value == PlanShape.HashText(PlanReader.Read(After)));
        Assert.Contains(finding.Evidence, e => e.Key == "previousDurationMs" && e.Value == "4");
        Assert.Contains(finding.Evidence, e => e.Key == "previousRuns" && e.Value == "3");
        Assert.Contains(finding.Evidence, e => e.Key == "durationMs" && e.Value == "2400");
        Assert.Contains(finding.Evidence, e => e.Key == "previousLastSeen" && e.Value.StartsWith("2026-12-04T09:00:00", StringComparison.Ordinal));
        Assert.Contains(finding.Evidence, e => e.Key == "droppedIndex" && e.Value == "ix_orders_customer");
        Assert.Contains(finding.Evidence, e => e.Key == "changed" && e.Value.Contains("Index Scan using ix_orders_customer on orders → Seq Scan on orders", StringComparison.Ordinal));
        // The trees carry no condition text: no literal reaches the message.
        Assert.DoesNotContain("ann@example.com", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_change_reaches_the_sinks_without_the_value_the_new_plan_was_built_for()
    {
        // A custom plan carries the bound parameter value as a constant, beside the query's own literal.
        const string AfterWithValues = """
            Hash Join  (cost=8.01..1900.00 rows=5 width=8)
              Hash Cond: (o.customer_id = c.id)
              ->  Seq Scan on orders o  (cost=0.00..1700.00 rows=100000 width=8)
                    Filter: (o.note <> 'literal-7f3a'::text)
              ->  Hash  (cost=8.00..8.00 rows=1 width=4)
                    ->  Seq Scan on customers c  (cost=0.00..8.00 rows=1 width=4)
                          Filter: (email = 'value-ann@example.com'::text)
            """;

        var raw = Assert.Single(Analyze(AfterWithValues, 2400, Prior(Before, 3, 4, 5)), f => f.RuleId == "QW026");
        var reported = FindingRedactor.Redact(raw);

        Assert.Equal(FindingBasis.Observed, reported.Basis);
        string[] texts = [reported.Message, reported.Suggestion, reported.NodePath, .. reported.Evidence.Select(e => e.Value)];
        Assert.All(texts, t => Assert.DoesNotContain("literal-7f3a", t, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("value-ann", t, StringComparison.Ordinal));
    }

    [Fact]
    public void An_index_that_still_exists_is_named_as_no_longer_used()
    {
        var prior = Prior(Before, 3) with { DroppedIndexes = [] };

        var finding = Assert.Single(Analyze(After, 2400, prior), f => f.RuleId == "QW026");

        Assert.Contains(finding.Evidence, e => e.Key == "unusedIndex" && e.Value == "ix_orders_customer");
        Assert.DoesNotContain(finding.Evidence, e => e.Key == "droppedIndex");
    }

    [Fact]
    public void A_row_estimate_that_moved_by_orders_of_magnitude_on_the_same_node_is_named()
    {
        const string Small = "Seq Scan on events  (cost=0.00..10.00 rows=10 width=8)";
        const string Large = """
            Gather  (cost=1000.00..50000.00 rows=2000000 width=8)
              Workers Planned: 2
              ->  Parallel Seq Scan on events  (cost=0.00..40000.00 rows=833333 width=8)
            """;

        var finding = Assert.Single(Analyze(Large, 900, Prior(Small, 12)), f => f.RuleId == "QW026");

        Assert.Contains(finding.Evidence, e => e.Key == "estimateNode" && e.Value == "Parallel Seq Scan on events");
        Assert.Contains(finding.Evidence, e => e.Key == "estimatedRowsBefore" && e.Value == "10");
        Assert.Contains(finding.Evidence, e => e.Key == "estimatedRowsAfter" && e.Value == "833333");
    }

    [Fact]
    public void The_same_shape_is_not_a_change_however_slow()
        => Assert.DoesNotContain(Analyze(Before, 9000, Prior(Before, 3)), f => f.RuleId == "QW026");

    [Fact]
    public void A_new_shape_that_is_not_slower_is_not_reported()
        => Assert.DoesNotContain(Analyze(After, 6, Prior(Before, 3, 5)), f => f.RuleId == "QW026");

    [Fact]
    public void Without_a_recorded_plan_nothing_is_reported()
        => Assert.DoesNotContain(Analyze(After, 2400, prior: null), f => f.RuleId == "QW026");
}
