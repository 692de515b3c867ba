using Xunit;
using System.Text.Json;

namespace QueryWatch.Tests.Cli;

public sealed class AnalyzeCommandTests
{
    private static readonly string SeedBefore = CliRun.Fixture("plans", "seeds", "000-before.txt");
    private static readonly string SeedAfter = CliRun.Fixture("plans", "seeds", "000-after-nodistinct.txt");

    [Fact]
    public void Text_output_draws_the_tree_and_flags_each_finding_at_its_node()
    {
        var run = CliRun.Of("analyze", SeedBefore);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n');
        Assert.Contains(lines, l => l.Contains("└─ Unique", StringComparison.Ordinal) && l.Contains("[QW001 warning]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Parallel Index Scan using process_workeractivity_element_id_9a98b12a on process_workeractivity", StringComparison.Ordinal)
            && l.Contains("[QW002 warning]", StringComparison.Ordinal) && l.Contains("[QW014 warning]", StringComparison.Ordinal));
        Assert.Contains("1. QW001 distinct-existence-check (warning, estimated)", run.Out, StringComparison.Ordinal);
        Assert.Contains("fix: ", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Out);
    }

    [Fact]
    public void Json_output_is_one_object_with_the_design_fields()
    {
        var run = CliRun.Of("analyze", SeedBefore, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(["QW001", "QW002", "QW014", "QW025"], findings.Select(f => f.GetProperty("ruleId").GetString()).Order().ToArray());
        // A pasted plan has no duration: its early-stop bet is a note, never a warning.
        var bet = findings.Single(f => f.GetProperty("ruleId").GetString() == "QW025");
        Assert.Equal("info", bet.GetProperty("severity").GetString());
        Assert.Equal("estimated", bet.GetProperty("basis").GetString());
        var first = findings[0];
        foreach (var name in new[] { "ruleName", "severity", "node", "message", "suggestion" })
            Assert.False(string.IsNullOrWhiteSpace(first.GetProperty(name).GetString()), name);
        Assert.Equal(JsonValueKind.Object, first.GetProperty("evidence").ValueKind);
        Assert.Equal("warning", first.GetProperty("severity").GetString());
        Assert.Equal("estimated", first.GetProperty("basis").GetString());
    }

    [Fact]
    public void Duration_of_a_cancelled_command_turns_the_lost_bet_into_an_observed_warning()
    {
        var plan = CliRun.Fixture("plans", "seeds", "003-before-estimated.txt");

        var pasted = CliRun.Of("analyze", plan, "--format", "json", "--fail-on", "warning");
        var cancelled = CliRun.Of("analyze", plan, "--format", "json", "--duration", "20s", "--outcome", "cancelled");

        Assert.Equal(0, pasted.ExitCode);
        Assert.Equal(0, cancelled.ExitCode);
        using var doc = JsonDocument.Parse(cancelled.Out);
        var bet = doc.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "QW025");
        Assert.Equal("warning", bet.GetProperty("severity").GetString());
        Assert.Equal("observed", bet.GetProperty("basis").GetString());
        Assert.Equal("20000", bet.GetProperty("evidence").GetProperty("durationMs").GetString());
    }

    [Theory]
    [InlineData("20s", 20_000)]
    [InlineData("1500ms", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("0.5 s", 500)]
    [InlineData("250", 250)]
    public void Duration_is_read_as_the_server_log_writes_it(string text, double ms)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(ms), QueryWatch.Cli.AnalyzeCommand.ParseDuration(text));
    }

    [Fact]
    public void Unreadable_duration_is_refused_with_a_reason()
    {
        var run = CliRun.Of("analyze", SeedBefore, "--duration", "soon");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--duration", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fail_on_sets_exit_code_one_only_when_a_finding_is_that_severe()
    {
        Assert.Equal(1, CliRun.Of("analyze", SeedBefore, "--fail-on", "warning").ExitCode);
        Assert.Equal(1, CliRun.Of("analyze", SeedBefore, "--fail-on", "info").ExitCode);
        Assert.Equal(0, CliRun.Of("analyze", SeedBefore, "--fail-on", "critical").ExitCode);
        Assert.Equal(0, CliRun.Of("analyze", SeedAfter, "--fail-on", "info").ExitCode);
    }

    [Fact]
    public void A_fixed_plan_reports_no_findings()
    {
        var run = CliRun.Of("analyze", SeedAfter);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("No findings.", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_is_read_from_standard_input_when_the_file_is_a_dash()
    {
        var run = CliRun.WithInput(File.ReadAllText(SeedBefore), "analyze", "-", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"QW001\"", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_web_page_around_the_plan_still_loads()
    {
        var run = CliRun.Of("analyze", CliRun.Fixture("plans", "seeds", "raw", "003.txt"), "--format", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"QW004\"", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("this is not a plan\nat all")]
    [InlineData("[{\"Plan\": {\"Node Type\": \"Limit\"")]
    [InlineData("{\"a\": 1}")]
    public void Input_that_is_not_a_plan_exits_two_with_one_line(string input)
    {
        var run = CliRun.WithInput(input, "analyze", "-");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.StartsWith("querywatch: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_exits_two_naming_the_file()
    {
        var run = CliRun.Of("analyze", "/nonexistent/plan.txt");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("/nonexistent/plan.txt", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sql_file_is_passed_to_the_rules()
    {
        // Seed 000's fixed plan has no Unique: only the SQL says the query was an existence check with DISTINCT.
        var sql = Path.GetTempFileName();
        try
        {
            File.WriteAllText(sql, "SELECT DISTINCT ON (element_id) 1 AS a FROM process_workeractivity WHERE process_id = '1'::uuid AND state = 'error' LIMIT 1");
            var with = CliRun.Of("analyze", SeedBefore, "--sql", sql, "--format", "json");
            Assert.Equal(0, with.ExitCode);
            Assert.Contains("\"QW001\"", with.Out, StringComparison.Ordinal);

            var missing = CliRun.Of("analyze", SeedBefore, "--sql", "/nonexistent/q.sql");
            Assert.Equal(2, missing.ExitCode);
        }
        finally
        {
            File.Delete(sql);
        }
    }

    [Fact]
    public void Connection_without_sql_is_refused_with_a_one_line_reason()
    {
        var run = CliRun.Of("analyze", SeedBefore, "--connection", "Host=127.0.0.1;Port=1");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("querywatch: --connection needs --sql: index proposals are checked by EXPLAINing the statement", run.Error.Trim());
    }

    [Fact]
    public void Unreachable_database_still_prints_the_findings_with_the_index_marked_not_verified()
    {
        var sql = Path.GetTempFileName();
        try
        {
            File.WriteAllText(sql, "SELECT id, kind FROM events WHERE account_id = 4242");
            var run = CliRun.Of("analyze", CliRun.Fixture("plans", "rules", "QW009-bad-analyze.json"), "--sql", sql, "--format", "json",
                "--connection", "Host=127.0.0.1;Port=1;Timeout=2");

            Assert.Equal(0, run.ExitCode);
            Assert.StartsWith("querywatch: no verification, the database is not reachable", run.Error, StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(run.Out);
            var qw009 = doc.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "QW009");
            Assert.Equal("not verified", qw009.GetProperty("evidence").GetProperty("indexVerification").GetString());
        }
        finally
        {
            File.Delete(sql);
        }
    }

    [Fact]
    public void Json_output_keeps_arrows_and_quotes_readable()
    {
        var run = CliRun.Of("analyze", SeedBefore, "--format", "json");

        Assert.Contains("Limit → Unique", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u2192", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", run.Out, StringComparison.Ordinal);
    }
}
