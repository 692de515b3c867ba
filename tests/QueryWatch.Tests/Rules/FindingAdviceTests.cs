using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Rules;

/// <summary>Findings that say what they are (issue #18 part 1): min/max over a large input, and misestimates on fresh statistics.</summary>
public sealed class FindingAdviceTests
{
    private sealed class FreshStatistics(string table) : ITableStatistics
    {
        public TableStatistics? Find(string? schema, string name) =>
            name == table ? new TableStatistics("public", table, 101_000, 12, TimeSpan.FromMinutes(3)) : null;
    }

    private const string MaxInInitPlan = """
        Index Scan using t_pkey on public.t  (cost=20000.43..20008.45 rows=1 width=8)
          Output: t.id, t.x
          Index Cond: (t.id = $0)
          InitPlan 1 (returns $0)
            ->  Aggregate  (cost=20000.00..20000.01 rows=1 width=8)
                  Output: max(t_1.x)
                  ->  Seq Scan on public.t t_1  (cost=0.00..17500.00 rows=1000000 width=8)
                        Output: t_1.x
        """;

    [Fact]
    public void Max_over_a_whole_table_proposes_an_index_on_the_column_first()
    {
        var finding = new RuleEngine().Analyze(PlanReader.Read(MaxInInitPlan)).Single(f => f.RuleId == "QW005");

        Assert.StartsWith("For max, index the aggregated column: CREATE INDEX CONCURRENTLY ON t (x)", finding.Suggestion, StringComparison.Ordinal);
        Assert.Contains("Index Only Scan Backward", finding.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void Min_or_max_known_from_the_sql_alone_still_proposes_an_index_before_a_summary()
    {
        var plan = PlanReader.Read("""
            Index Scan using t_pkey on t  (cost=20000.43..20008.45 rows=1 width=8)
              Index Cond: (id = $0)
              InitPlan 1 (returns $0)
                ->  Aggregate  (cost=20000.00..20000.01 rows=1 width=8)
                      ->  Seq Scan on t t_1  (cost=0.00..17500.00 rows=1000000 width=8)
            """);

        var finding = new RuleEngine().Analyze(plan, "SELECT * FROM t WHERE id = (SELECT max(x) FROM t)").Single(f => f.RuleId == "QW005");

        Assert.StartsWith("For min/max, index the aggregated column", finding.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void Count_over_a_whole_table_keeps_the_summary_advice()
    {
        var finding = new RuleEngine().Analyze(PlanReader.Read(MaxInInitPlan.Replace("max(t_1.x)", "count(*)", StringComparison.Ordinal))).Single(f => f.RuleId == "QW005");

        Assert.StartsWith("Keep the aggregate", finding.Suggestion, StringComparison.Ordinal);
    }

    private static Finding Misestimate(string filter)
    {
        var plan = PlanReader.Read($"""
            Seq Scan on orders  (cost=0.00..1800.00 rows=10 width=4) (actual time=0.010..9.000 rows=50000 loops=1)
              Filter: {filter}
              Rows Removed by Filter: 51000
            Planning Time: 0.100 ms
            Execution Time: 10.000 ms
            """);
        return new RuleEngine().Analyze(plan, statistics: new FreshStatistics("orders")).Single(f => f.RuleId == "QW017");
    }

    [Fact]
    public void Misestimate_on_fresh_statistics_over_correlated_columns_is_named_as_such()
    {
        var finding = Misestimate("((status = 'new'::text) AND (total < '5'::numeric))");

        Assert.Equal(RuleSeverity.Info, finding.Severity);
        Assert.DoesNotContain("although", finding.Message, StringComparison.Ordinal);
        Assert.Contains("correlated", finding.Message, StringComparison.Ordinal);
        Assert.Contains(finding.Evidence, e => e.Key == "statistics" && e.Value == "fresh");
        Assert.StartsWith("Tell the planner the columns go together: CREATE STATISTICS", finding.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void Misestimate_on_fresh_statistics_through_a_cast_column_names_the_parameter_type()
    {
        var finding = Misestimate("((code)::numeric = '42'::numeric)");

        Assert.Contains("another type", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("Send the parameter with the column's own type", finding.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void Misestimate_on_fresh_statistics_of_one_plain_column_names_a_value_the_histogram_cannot_see()
    {
        var finding = Misestimate("((state)::text = 'queued'::text)");

        Assert.Contains("histogram", finding.Message, StringComparison.Ordinal);
        Assert.Contains("SET STATISTICS 1000", finding.Suggestion, StringComparison.Ordinal);
    }
}
