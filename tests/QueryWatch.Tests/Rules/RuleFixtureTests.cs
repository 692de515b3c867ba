using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Rules;

/// <summary>
/// Plans captured live on PostgreSQL 15 (Fixtures/plans/rules/setup.sql + capture.sh): each rule fires
/// on its bad query's plans and stays quiet on the fixed query's, in TEXT and JSON, estimated and ANALYZE.
/// </summary>
public sealed class RuleFixtureTests
{
    private static readonly string RulesDir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans", "rules");
    private static readonly string HealthyDir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plans", "healthy");

    // scenario -> (rules its bad plans raise with ANALYZE, rules its estimated plan raises already)
    private static readonly (string Scenario, string[] Analyze, string[] Estimated)[] Scenarios =
    [
        ("QW001", ["QW001", "QW002", "QW014", "QW016"], ["QW001", "QW002", "QW014"]),
        ("QW003", ["QW003", "QW014"], ["QW003", "QW014"]),
        ("QW004", ["QW004"], []),
        ("QW005", ["QW005", "QW006", "QW007", "QW012"], ["QW005"]),
        ("QW008", ["QW008"], ["QW008"]),
        ("QW009", ["QW009", "QW016"], []),
        ("QW010", ["QW010"], []),
        ("QW011", ["QW011"], []),
        ("QW013", ["QW013"], []),
        ("QW015", ["QW015"], ["QW015"]),
        ("QW016", ["QW009", "QW016"], []),
        ("QW017", ["QW017"], []),
        ("QW018", ["QW018"], ["QW018"]),
        ("QW019", ["QW019"], ["QW019"]),
        ("QW020", ["QW020"], []),
        ("QW021", ["QW021"], []),
        ("QW022", ["QW022", "QW023"], []),
        ("QW023", ["QW023"], []),
    ];

    public static TheoryData<string, string, bool> BadPlans()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var (scenario, analyze, estimated) in Scenarios)
        {
            foreach (var ext in new[] { "txt", "json" })
            {
                foreach (var withSql in new[] { false, true })
                {
                    foreach (var rule in analyze) data.Add($"{scenario}-bad-analyze.{ext}", rule, withSql);
                    foreach (var rule in estimated) data.Add($"{scenario}-bad-estimated.{ext}", rule, withSql);
                }
            }
        }
        return data;
    }

    public static TheoryData<string, string> FixedPlans()
    {
        var data = new TheoryData<string, string>();
        foreach (var (scenario, analyze, _) in Scenarios)
        {
            foreach (var file in new[] { "analyze.txt", "analyze.json", "estimated.txt", "estimated.json" })
            {
                foreach (var rule in analyze) data.Add($"{scenario}-fixed-{file}", rule);
            }
        }
        return data;
    }

    public static TheoryData<string> HealthyPlans()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(HealthyDir).Where(f => f.EndsWith(".txt", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)))
        {
            if (Path.GetFileName(file) != "queries.txt") data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadPlans))]
    public void Bad_plan_captured_live_raises_its_rule(string file, string ruleId, bool withSql)
    {
        var findings = Analyze(RulesDir, file, withSql);

        var finding = Assert.Single(findings, f => f.RuleId == ruleId);
        Assert.False(string.IsNullOrWhiteSpace(finding.Suggestion));
        Assert.InRange(finding.Weight, 0, 1);
    }

    [Theory]
    [MemberData(nameof(FixedPlans))]
    public void Fixed_plan_captured_live_does_not_raise_the_rule(string file, string ruleId)
    {
        Assert.DoesNotContain(Analyze(RulesDir, file, withSql: true), f => f.RuleId == ruleId);
    }

    [Theory]
    [MemberData(nameof(HealthyPlans))]
    public void Healthy_plan_raises_no_warning_or_critical(string file)
    {
        var findings = Analyze(HealthyDir, file, withSql: true);

        Assert.DoesNotContain(findings, f => f.Severity >= RuleSeverity.Warning);
    }

    public static TheoryData<string, int, bool> HealthyPlansWithDurations()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var file in HealthyPlans())
        {
            // Cancelled after 20 s (waiting on a lock, say, not on its plan), and a finished 1.5 s run on a busy server.
            data.Add(file.Data, 20_000, false);
            data.Add(file.Data, 1_500, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(HealthyPlansWithDurations))]
    public void Healthy_plan_raises_no_warning_or_critical_whatever_the_command_took(string file, int durationMs, bool finished)
    {
        var plan = PlanReader.Read(File.ReadAllText(Path.Combine(HealthyDir, file)));
        var sql = File.ReadAllText(SqlPath(HealthyDir, file));

        var findings = new RuleEngine().Analyze(plan, sql, observed: ObservedRun.Of(TimeSpan.FromMilliseconds(durationMs), finished));

        Assert.DoesNotContain(findings, f => f.Severity >= RuleSeverity.Warning);
    }

    [Fact]
    public void There_are_at_least_twenty_healthy_queries_each_captured_four_ways()
    {
        Assert.True(HealthyPlans().Count >= 80);
    }

    [Fact]
    public void Nested_loop_inner_discard_names_the_loop_count_and_the_index_to_build()
    {
        var finding = Analyze(RulesDir, "QW004-bad-analyze.json", withSql: false).Single(f => f.RuleId == "QW004");

        Assert.Equal("Limit → Nested Loop → Index Scan on pipelines p", finding.NodePath);
        Assert.Contains("ran 200,000 times", finding.Message);
        Assert.Contains("CREATE INDEX CONCURRENTLY ON pipelines (id, locked)", finding.Suggestion);
    }

    [Fact]
    public void Negated_subquery_is_named_as_not_in_when_the_sql_says_so()
    {
        var withSql = Analyze(RulesDir, "QW008-bad-analyze.txt", withSql: true).Single(f => f.RuleId == "QW008");
        var planOnly = Analyze(RulesDir, "QW008-bad-analyze.txt", withSql: false).Single(f => f.RuleId == "QW008");

        Assert.Contains("NOT IN (SELECT …)", withSql.Message);
        Assert.DoesNotContain("NOT IN (SELECT …)", planOnly.Message);
        Assert.Contains("NOT EXISTS (SELECT 1 FROM tasks", withSql.Suggestion);
        Assert.Equal(RuleSeverity.Warning, withSql.Severity);
    }

    private static IReadOnlyList<Finding> Analyze(string dir, string file, bool withSql)
    {
        var plan = PlanReader.Read(File.ReadAllText(Path.Combine(dir, file)));
        var sql = withSql && File.Exists(SqlPath(dir, file)) ? File.ReadAllText(SqlPath(dir, file)) : null;
        return new RuleEngine().Analyze(plan, sql);
    }

    // QW001-bad-analyze.txt -> QW001-bad.sql; H07-estimated.json -> H07.sql
    private static string SqlPath(string dir, string file)
    {
        var stem = file[..file.LastIndexOf('-')];
        return Path.Combine(dir, stem + ".sql");
    }
}
