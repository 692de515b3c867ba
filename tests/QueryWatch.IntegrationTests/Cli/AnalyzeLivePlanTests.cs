using System.Text;
using System.Text.Json;
using QueryWatch.Cli;
using QueryWatch.IntegrationTests.Rules;

namespace QueryWatch.IntegrationTests.Cli;

/// <summary><c>querywatch analyze - --format json</c> end to end, on a plan the server printed moments ago.</summary>
[Collection(LiveRulesCollection.Name)]
public sealed class AnalyzeLivePlanTests(LiveRulesDatabase database)
{
    [Fact]
    public async Task Analyze_reads_a_live_psql_plan_from_stdin_and_prints_the_seed_000_findings_as_json()
    {
        // Seed 000's shape: the existence check cancelled in production, so an estimated plan only,
        // walking the element_id index in parallel workers. A cheap parallel setup makes the planner
        // choose the Gather Merge the production server chose on its much larger table.
        var query = new LiveQuery(
            "SELECT DISTINCT ON (element_id) 1 AS a FROM activity WHERE process_id = 7 AND state = 'error' LIMIT 1",
            ("parallel_setup_cost", "10"), ("max_parallel_workers_per_gather", "2"));
        var plan = await LivePlanCapture.ExplainAsync(database.ConnectionString, query, "text", analyze: false);
        var pasted = AsPsqlPrintsIt(plan);
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = CliApp.Run(["analyze", "-", "--format", "json"], new CliConsole(new StringReader(pasted), output, error, Colour: false));

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}: {error}\n{pasted}");
        Assert.Equal("", error.ToString());
        using var json = JsonDocument.Parse(output.ToString());
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToArray();
        var byRule = findings.ToDictionary(f => f.GetProperty("ruleId").GetString()!, StringComparer.Ordinal);
        Assert.True(byRule.ContainsKey("QW001") && byRule.ContainsKey("QW002") && byRule.ContainsKey("QW014"), $"findings: {output}\nplan:\n{pasted}");

        var mismatch = byRule["QW002"];
        Assert.Equal("index-filter-mismatch", mismatch.GetProperty("ruleName").GetString());
        Assert.Equal("Limit → Unique → Gather Merge → Parallel Index Scan on activity", mismatch.GetProperty("node").GetString());
        Assert.Contains("activity", mismatch.GetProperty("suggestion").GetString(), StringComparison.Ordinal);
        Assert.Contains("process_id", mismatch.GetProperty("suggestion").GetString(), StringComparison.Ordinal);
        Assert.Equal("distinct-existence-check", byRule["QW001"].GetProperty("ruleName").GetString());
        Assert.Equal("Limit → Unique", byRule["QW001"].GetProperty("node").GetString());
        Assert.Equal("limit-walks-index", byRule["QW014"].GetProperty("ruleName").GetString());
        foreach (var finding in findings)
        {
            Assert.Contains(finding.GetProperty("severity").GetString(), new[] { "info", "warning", "critical" });
            Assert.False(string.IsNullOrWhiteSpace(finding.GetProperty("message").GetString()));
            Assert.Equal(JsonValueKind.Object, finding.GetProperty("evidence").ValueKind);
            Assert.NotEmpty(finding.GetProperty("evidence").EnumerateObject());
        }
    }

    // psql's aligned output, as a user pastes it: the QUERY PLAN header, its rule, a leading space
    // on every line and the (N rows) footer.
    private static string AsPsqlPrintsIt(string plan)
    {
        var lines = plan.TrimEnd('\n').Split('\n');
        var width = Math.Max(lines.Max(l => l.Length), "QUERY PLAN".Length);
        var text = new StringBuilder();
        text.Append(' ').Append(new string(' ', (width - "QUERY PLAN".Length) / 2)).Append("QUERY PLAN").Append('\n');
        text.Append(new string('-', width + 2)).Append('\n');
        foreach (var line in lines) text.Append(' ').Append(line.PadRight(width)).Append('\n');
        text.Append('(').Append(lines.Length).Append(lines.Length == 1 ? " row)" : " rows)").Append('\n');
        return text.ToString();
    }
}
