using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Rules;

/// <summary>
/// Plans captured live on PostgreSQL 15 (Fixtures/plans/misread: setup.sql + capture.sh) that rules used to
/// misread (issue #12 part 5): each is read in TEXT and JSON, with and without the SQL.
/// </summary>
public sealed class MisreadPlanTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans", "misread");

    public static TheoryData<string, bool> Forms(string stem)
    {
        var data = new TheoryData<string, bool>();
        foreach (var ext in new[] { "txt", "json" })
        {
            data.Add($"{stem}-analyze.{ext}", false);
            data.Add($"{stem}-analyze.{ext}", true);
        }
        return data;
    }

    public static TheoryData<string, bool> ParallelJit() => Forms("QW021-parallel");
    public static TheoryData<string, bool> EmptyHash() => Forms("QW017-empty-hash");
    public static TheoryData<string, bool> Delete() => Forms("QW016-delete");

    [Theory]
    [MemberData(nameof(ParallelJit))]
    public void Jit_summed_over_parallel_workers_is_not_compared_with_wall_clock_time(string file, bool withSql)
    {
        var plan = Read(file);
        // The fixture is what the rule used to misread: JIT's total alone is most of the execution time.
        Assert.True(plan.Jit!.TotalMs / plan.ExecutionTimeMs > 0.5);

        Assert.DoesNotContain(Analyze(plan, file, withSql), f => f.RuleId == "QW021");
    }

    [Fact]
    public void Jit_of_a_serial_plan_that_dominates_is_still_reported_with_one_process()
    {
        var plan = PlanReader.Read(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans", "rules", "QW021-bad-analyze.json")));

        var finding = Assert.Single(new RuleEngine().Analyze(plan, null), f => f.RuleId == "QW021");

        Assert.Contains(finding.Evidence, e => e.Key == "jitProcesses" && e.Value == "1");
    }

    [Theory]
    [MemberData(nameof(EmptyHash))]
    public void Scan_cut_short_by_an_empty_hash_side_is_not_called_misestimated(string file, bool withSql)
    {
        var plan = Read(file);
        var scan = plan.Nodes.Single(n => n.RelationName == "hj_orders");
        // The fixture is what the rule used to misread: 500,000 estimated, 1 row read before the join stopped.
        Assert.True(scan.EstimateErrorFactor >= 100_000);

        var findings = Analyze(plan, file, withSql);

        Assert.DoesNotContain(findings, f => f.RuleId is "QW017" or "QW007");
    }

    [Theory]
    [MemberData(nameof(Delete))]
    public void Delete_without_returning_is_not_io_heavy_for_returning_no_rows(string file, bool withSql)
    {
        var plan = Read(file);
        // The fixture is what the rule used to misread: the Delete's own reads (TOAST chunks) are over 1,000 blocks.
        Assert.True(plan.Root.Buffers!.SharedRead - plan.Root.Children[0].Buffers!.SharedRead >= 1_000);

        Assert.DoesNotContain(Analyze(plan, file, withSql), f => f.RuleId == "QW016");
    }

    private static Plan Read(string file) => PlanReader.Read(File.ReadAllText(Path.Combine(Dir, file)));

    private static IReadOnlyList<Finding> Analyze(Plan plan, string file, bool withSql)
    {
        var sqlPath = Path.Combine(Dir, file[..file.LastIndexOf('-')] + ".sql");
        return new RuleEngine().Analyze(plan, withSql ? File.ReadAllText(sqlPath) : null);
    }
}
