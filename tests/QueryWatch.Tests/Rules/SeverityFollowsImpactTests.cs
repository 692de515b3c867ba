using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Rules;

/// <summary>
/// A warning is worth someone's time (issue #18 part 1): the fixed forms of the five seeds, captured live in
/// all four plan forms, raise no warning; the bad plans stay caught at warning.
/// </summary>
public sealed class SeverityFollowsImpactTests
{
    private static readonly string RulesDir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans", "rules");
    private static readonly string SeedsDir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans", "seeds");
    private static readonly string[] Forms = ["analyze.txt", "analyze.json", "estimated.txt", "estimated.json"];

    // Each seed's fix as a live capture: 000 as its authors shipped it (process_id index alone), 001 the summary
    // table, 002 one probe per eligible queue, 003 an id-range batch, 004 NOT EXISTS.
    private static readonly string[] FixedSeeds = ["SEED000-fixed", "QW001-fixed", "QW005-fixed", "QW003-fixed", "QW004-fixed", "QW008-fixed"];

    public static TheoryData<string> FixedSeedPlans()
    {
        var data = new TheoryData<string>();
        foreach (var seed in FixedSeeds)
        {
            foreach (var form in Forms) data.Add($"{seed}-{form}");
        }
        return data;
    }

    private static IReadOnlyList<Finding> Analyze(string file, ObservedRun? observed = null)
    {
        var plan = PlanReader.Read(File.ReadAllText(Path.Combine(RulesDir, file)));
        var sql = File.ReadAllText(Path.Combine(RulesDir, file[..file.LastIndexOf('-')] + ".sql"));
        return new RuleEngine().Analyze(plan, sql, observed: observed);
    }

    [Theory]
    [MemberData(nameof(FixedSeedPlans))]
    public void Fixed_seed_raises_no_warning(string file)
    {
        Assert.DoesNotContain(Analyze(file), f => f.Severity >= RuleSeverity.Warning);
    }

    [Theory]
    [MemberData(nameof(FixedSeedPlans))]
    public void Fixed_seed_raises_no_warning_whatever_the_command_took(string file)
    {
        // A quick run (10 ms, far longer than a plan of a few cost units predicts, but not slow), a 1.5 s run on a
        // busy server and a 20 s cancellation (waiting on a lock, not on its plan): none is evidence against the plan.
        foreach (var (ms, finished) in new[] { (10, true), (1_500, true), (20_000, false) })
        {
            Assert.DoesNotContain(Analyze(file, ObservedRun.Of(TimeSpan.FromMilliseconds(ms), finished)), f => f.Severity >= RuleSeverity.Warning);
        }
    }

    [Theory]
    [InlineData("SEED000-fixed-analyze.txt")]
    [InlineData("SEED000-fixed-analyze.json")]
    public void Filter_removing_thousands_of_rows_in_milliseconds_is_info(string file)
    {
        var findings = Analyze(file);

        Assert.All(findings.Where(f => f.RuleId is "QW002" or "QW014"), f => Assert.Equal(RuleSeverity.Info, f.Severity));
    }

    [Theory]
    [InlineData("QW014-passes-estimated.txt")]
    [InlineData("QW014-passes-estimated.json")]
    [InlineData("QW014-passes-analyze.txt")]
    [InlineData("QW014-passes-analyze.json")]
    public void Limit_that_could_walk_far_when_the_planner_expects_most_rows_to_pass_is_no_warning(string file)
    {
        Assert.DoesNotContain(Analyze(file), f => f.Severity >= RuleSeverity.Warning);
    }

    [Fact]
    public void Limit_that_could_walk_far_and_ran_far_longer_than_planned_is_a_warning()
    {
        // Cancelled after 1 s: the whole walk (10,878 cost units, ~109 ms at the default factor) can account for it.
        var findings = Analyze("QW014-passes-estimated.txt", ObservedRun.Of(TimeSpan.FromSeconds(1), finished: false));

        Assert.Contains(findings, f => f.Severity >= RuleSeverity.Warning && f.Basis == FindingBasis.Observed);
    }

    [Theory]
    [InlineData("000-before.txt", "QW002")]
    [InlineData("000-before.txt", "QW014")]
    [InlineData("002-before.txt", "QW014")]
    [InlineData("002-before.txt", "QW003")]
    [InlineData("003-before.txt", "QW004")]
    [InlineData("001-queued-before.txt", "QW005")]
    public void Bad_seed_plan_is_still_a_warning(string file, string ruleId)
    {
        var plan = PlanReader.Read(File.ReadAllText(Path.Combine(SeedsDir, file)));

        Assert.Contains(new RuleEngine().Analyze(plan), f => f.RuleId == ruleId && f.Severity >= RuleSeverity.Warning);
    }

    [Theory]
    [InlineData("QW001-bad", "QW002")]
    [InlineData("QW001-bad", "QW014")]
    [InlineData("QW003-bad", "QW014")]
    public void Bad_live_plan_is_still_a_warning_in_every_form(string scenario, string ruleId)
    {
        foreach (var form in Forms)
        {
            Assert.Contains(Analyze($"{scenario}-{form}"), f => f.RuleId == ruleId && f.Severity >= RuleSeverity.Warning);
        }
    }
}
