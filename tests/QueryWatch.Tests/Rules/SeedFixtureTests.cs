using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Rules;

/// <summary>The seed incidents' plans as their documents print them (Fixtures/plans/seeds): the rules the seeds README names.</summary>
public sealed class SeedFixtureTests
{
    private static readonly string SeedsDir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans", "seeds");

    public static TheoryData<string, string> Before() => new()
    {
        { "000-before.txt", "QW001" }, { "000-before.txt", "QW002" }, { "000-before.txt", "QW014" },
        { "001-queued-before.txt", "QW005" }, { "001-queued-before.txt", "QW006" }, { "001-queued-before.txt", "QW007" }, { "001-queued-before.txt", "QW012" },
        { "002-before.txt", "QW003" }, { "002-before.txt", "QW014" },
        { "003-before.txt", "QW004" },
    };

    public static TheoryData<string, string> After() => new()
    {
        { "000-after-distinct.txt", "QW001" }, { "000-after-distinct.txt", "QW002" }, { "000-after-distinct.txt", "QW014" },
        { "000-after-nodistinct.txt", "QW001" }, { "000-after-nodistinct.txt", "QW002" }, { "000-after-nodistinct.txt", "QW014" },
        { "001-queued-after.txt", "QW005" }, { "001-queued-after.txt", "QW006" }, { "001-queued-after.txt", "QW007" }, { "001-queued-after.txt", "QW012" },
        { "002-after.txt", "QW003" }, { "002-after.txt", "QW014" },
        { "003-after.txt", "QW004" },
        { "000-list.txt", "QW001" },
    };

    [Theory]
    [MemberData(nameof(Before))]
    public void Seed_incident_plan_raises_the_rule_its_readme_names(string file, string ruleId)
    {
        Assert.Contains(Analyze(file), f => f.RuleId == ruleId);
    }

    [Theory]
    [MemberData(nameof(After))]
    public void Seed_fixed_plan_does_not_raise_the_incident_rule(string file, string ruleId)
    {
        Assert.DoesNotContain(Analyze(file), f => f.RuleId == ruleId);
    }

    [Theory]
    [InlineData("000-before.txt")]
    [InlineData("000-list.txt")]
    [InlineData("001-empty-before.txt")]
    [InlineData("001-empty-after.txt")]
    [InlineData("001-queued-before.txt")]
    public void Seed_plans_rank_findings_with_weights_between_zero_and_one(string file)
    {
        Assert.All(Analyze(file), f => Assert.InRange(f.Weight, 0, 1));
    }

    [Fact]
    public void Gitlab_nested_loop_message_carries_the_loop_count_and_what_the_filter_removed()
    {
        var finding = Analyze("003-before.txt").Single(f => f.RuleId == "QW004");

        Assert.Contains("ran 861,384 times", finding.Message);
        Assert.Contains("removed 861,384 of the 861,384 rows it fetched", finding.Message);
        Assert.Contains("ci_pipelines", finding.Suggestion);
    }

    [Fact]
    public void Graphile_worker_subplan_is_named_as_an_or_ed_exists()
    {
        var finding = Analyze("002-before.txt").Single(f => f.RuleId == "QW003");

        Assert.Contains("ran 79,993 times", finding.Message);
        Assert.Contains("EXISTS OR-ed", finding.Message);
    }

    [Fact]
    public void Arkindex_existence_check_ranks_dropping_the_distinct_first()
    {
        var findings = Analyze("000-before.txt");

        Assert.Equal("QW001", findings[0].RuleId);
        Assert.Equal("Limit → Unique", findings[0].NodePath);
        Assert.Contains(findings, f => f.NodePath == "Limit → Unique → Gather Merge → Parallel Index Scan on process_workeractivity");
    }

    [Fact]
    public void Estimated_plan_evidence_carries_no_measured_row_counts()
    {
        var estimated = Analyze("000-before.txt").Single(f => f.RuleId == "QW002");
        var analyzed = Analyze("002-before.txt").Single(f => f.RuleId == "QW014");

        Assert.DoesNotContain(estimated.Evidence, e => e.Key == "rowsRemovedByFilter");
        Assert.Contains(analyzed.Evidence, e => e.Key == "rowsRemovedByFilter" && e.Value == "80000");
    }

    // The seeds exist only as TEXT; written out as EXPLAIN's JSON and read back with the JSON reader,
    // they must raise the same rules, at the same nodes, with the same messages.
    [Theory]
    [MemberData(nameof(Before))]
    public void Seed_incident_plan_in_json_raises_the_rule_its_readme_names(string file, string ruleId)
    {
        Assert.Contains(AnalyzeAsJson(file), f => f.RuleId == ruleId);
    }

    [Theory]
    [MemberData(nameof(After))]
    public void Seed_fixed_plan_in_json_does_not_raise_the_incident_rule(string file, string ruleId)
    {
        Assert.DoesNotContain(AnalyzeAsJson(file), f => f.RuleId == ruleId);
    }

    [Theory]
    [InlineData("000-before.txt")]
    [InlineData("001-queued-before.txt")]
    [InlineData("001-empty-before.txt")]
    [InlineData("002-before.txt")]
    [InlineData("003-before.txt")]
    public void Seed_plan_gives_the_same_findings_from_text_and_from_json(string file)
    {
        static string[] Describe(IReadOnlyList<Finding> findings) =>
            findings.Select(f => $"{f.RuleId} {f.Severity} {f.NodePath}: {f.Message} | {f.Suggestion}").ToArray();

        Assert.Equal(Describe(Analyze(file)), Describe(AnalyzeAsJson(file)));
    }

    private static IReadOnlyList<Finding> Analyze(string file) =>
        new RuleEngine().Analyze(PlanReader.Read(File.ReadAllText(Path.Combine(SeedsDir, file))));

    private static IReadOnlyList<Finding> AnalyzeAsJson(string file)
    {
        var text = TextPlanParser.Parse(File.ReadAllText(Path.Combine(SeedsDir, file)));
        return new RuleEngine().Analyze(JsonPlanParser.Parse(QueryWatch.Tests.Plans.PlanJsonWriter.Write(text)));
    }
}
