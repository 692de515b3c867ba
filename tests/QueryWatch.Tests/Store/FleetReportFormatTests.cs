using System.Text.Json;
using QueryWatch.Cli.Report;
using QueryWatch.Explain.Store;
using Xunit;

namespace QueryWatch.Tests.Store;

/// <summary><c>querywatch report</c>'s JSON is DESIGN.md's contract; its text prints what is known and nothing else.</summary>
public sealed class FleetReportFormatTests
{
    private static readonly DateTimeOffset s_at = new(2026, 12, 4, 18, 0, 0, TimeSpan.Zero);

    private static FleetFinding Finding(string ruleId, long? calls, double? totalMs, double capturedMs, long cancelled = 0, double unfinishedMs = 0) =>
        new(ruleId, "seq-scan-selective-filter", "warning", "036d769d21bf8150", calls is null ? null : "7161408583790722008",
            "SELECT i.id FROM items i WHERE i.note = $1", 3, 3 - cancelled, cancelled, 0, 2, capturedMs, calls, totalMs, s_at, s_at.AddMinutes(5),
            "Seq Scan on items reads all 100,000 rows.", "CREATE INDEX CONCURRENTLY ON public.items (note).", "Seq Scan on items i", null)
        { UnfinishedMs = unfinishedMs };

    [Fact]
    public void Json_has_the_contract_fields_in_order_and_absent_figures_as_null()
    {
        var json = JsonReport.Render([Finding("QW009", calls: null, totalMs: null, capturedMs: 950)], s_at.AddHours(-24), s_at);

        using var document = JsonDocument.Parse(json);
        var finding = Assert.Single(document.RootElement.GetProperty("findings").EnumerateArray());
        string[] contract = ["ruleId", "ruleName", "severity", "fingerprint", "queryId", "sql", "count", "slowCount", "cancelledCount", "timedOutCount",
            "instances", "capturedMs", "calls", "totalTimeMs", "firstSeen", "lastSeen", "message", "suggestion"];
        Assert.Equal(contract, finding.EnumerateObject().Select(p => p.Name).Take(contract.Length));
        Assert.Equal(JsonValueKind.Null, finding.GetProperty("calls").ValueKind);
        Assert.Equal(JsonValueKind.Null, finding.GetProperty("totalTimeMs").ValueKind);
        Assert.Equal(JsonValueKind.Null, finding.GetProperty("queryId").ValueKind);
        Assert.Equal("2026-12-04T18:00:00.000Z", finding.GetProperty("firstSeen").GetString());
        Assert.Equal(950, finding.GetProperty("costMs").GetDouble());
    }

    [Fact]
    public void Cost_is_completed_time_plus_unfinished_time_and_captured_time_without_pg_stat_statements()
    {
        Assert.Equal(120 + 4000, Finding("QW009", calls: 10, totalMs: 120, capturedMs: 4100, cancelled: 2, unfinishedMs: 4000).CostMs);
        Assert.Equal(4100, Finding("QW009", calls: null, totalMs: null, capturedMs: 4100, cancelled: 2, unfinishedMs: 4000).CostMs);
    }

    [Fact]
    public void Text_leaves_out_figures_pg_stat_statements_did_not_give()
    {
        var text = TextReport.Render([Finding("QW009", calls: null, totalMs: null, capturedMs: 950)], s_at.AddHours(-24), s_at);

        Assert.Contains("1. QW009 seq-scan-selective-filter (warning)  cost 950 ms", text, StringComparison.Ordinal);
        Assert.Contains("3 captures (3 slow, 0 cancelled, 0 timed out) by 2 instances, 950 ms captured", text, StringComparison.Ordinal);
        Assert.DoesNotContain("calls", text, StringComparison.Ordinal);
        Assert.DoesNotContain("query id", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("24h", 24 * 60)]
    [InlineData("7d", 7 * 24 * 60)]
    [InlineData("30m", 30)]
    [InlineData("2", 120)]
    public void Since_reads_hours_days_and_minutes(string text, double minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), ReportCommand.ParsePeriod(text));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-1h")]
    [InlineData("0")]
    public void Since_that_is_not_a_positive_period_is_refused(string text)
    {
        Assert.Null(ReportCommand.ParsePeriod(text));
    }

    [Fact]
    public void Report_on_an_unreachable_store_says_why_in_one_line()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = QueryWatch.Cli.CliApp.Run(["report", "--connection", "Host=127.0.0.1;Port=1;Timeout=1", "--format", "html"],
            new QueryWatch.Cli.CliConsole(new StringReader(""), output, error, Colour: false));

        Assert.Equal(QueryWatch.Cli.ExitCodes.UnreadableInput, code);
        Assert.Single(error.ToString().TrimEnd().Split('\n'));
        Assert.StartsWith("querywatch: cannot read the Store:", error.ToString(), StringComparison.Ordinal);
    }
}
