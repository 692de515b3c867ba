using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Rules;

public sealed class HeapFetchesWordingTests
{
    [Theory]
    [InlineData(90_581, 351_240, "had to visit the table for 90,581 of its 351,240 rows (26%)")]
    [InlineData(375_000, 350_000, "made 375,000 heap fetches to return 350,000 rows (dead index entries count too)")]
    public void Heap_fetch_message_never_claims_more_fetched_rows_than_returned(double fetches, double rows, string expected)
    {
        var scan = new PlanNode { NodeType = "Index Only Scan", RelationName = "jobs", Alias = "jobs", IndexName = "jobs_user", HeapFetches = (long)fetches }
            .Cost(0.4, 9_000, rows).Actual(80, rows, 1);

        var finding = new RuleEngine().Analyze(PlanTree.Plan(scan, executionTimeMs: 80)).Single(f => f.RuleId == "QW012");

        Assert.Contains(expected, finding.Message, StringComparison.Ordinal);
    }
}
