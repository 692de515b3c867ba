using Xunit;

namespace QueryWatch.Tests.Cli;

/// <summary>A pasted plan's constants are replaced as in the logs unless --show-values (issue #16).</summary>
public sealed class AnalyzeValuesTests
{
    private const string SpilledSort = """
        Sort  (cost=31852.41..32352.41 rows=200000 width=29) (actual time=95.1..120.4 rows=200000 loops=1)
          Sort Key: ((name = 'SECRET-123'::text)) DESC, name
          Sort Method: external merge  Disk: 5904kB
          ->  Seq Scan on items  (cost=0.00..3774.00 rows=200000 width=29) (actual time=0.01..20.5 rows=200000 loops=1)
        Planning Time: 0.1 ms
        Execution Time: 130.2 ms
        """;

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public void Constants_of_a_pasted_plan_are_replaced_by_default(string format)
    {
        var run = CliRun.WithInput(SpilledSort, "analyze", "-", "--format", format);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("QW010", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-123", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_values_prints_the_constants_of_a_pasted_plan()
    {
        var run = CliRun.WithInput(SpilledSort, "analyze", "-", "--format", "json", "--show-values");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("SECRET-123", run.Out, StringComparison.Ordinal);
    }
}
