using System.Text.RegularExpressions;
using QueryWatch.Cli.Report;
using QueryWatch.Explain.Store;
using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Cli;

public sealed class HtmlReportTests
{
    private static readonly DateTimeOffset Since = new(2026, 12, 3, 18, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 18, 0, 0, TimeSpan.Zero);
    private static readonly string PlanJson = File.ReadAllText(CliRun.Fixture("plans", "rules", "QW001-bad-analyze.json"));

    [Fact]
    public void Statement_message_fix_and_node_are_html_encoded()
    {
        var finding = Finding("QW009") with
        {
            Sql = "SELECT * FROM t WHERE a < $1 AND b > $2 AND c = '<script>alert(\"x\")</script>' & d",
            Message = "rows <kept> & \"removed\"",
            Suggestion = "CREATE INDEX ON t (a) WHERE b <> 'x'",
            Node = "Seq Scan on <t>",
        };

        var html = HtmlReport.Render([finding], Since, Now);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<kept>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<t>", html, StringComparison.Ordinal);
        Assert.Contains("a &lt; $1 AND b &gt; $2 AND c = &#39;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; d", html, StringComparison.Ordinal);
        Assert.Contains("rows &lt;kept&gt; &amp; &quot;removed&quot;", html, StringComparison.Ordinal);
        Assert.Contains("WHERE b &lt;&gt; &#39;x&#39;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Page_names_no_resource_outside_itself()
    {
        var html = HtmlReport.Render([Finding("QW001", plan: PlanJson, node: FirstScanPath()), Finding("QW009", cost: 10)], Since, Now);

        Assert.DoesNotMatch(new Regex(@"\b(src|srcset|action|xlink:href)\s*=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"@import|url\s*\(|<script|<link|<iframe|<img|<object|<embed", RegexOptions.IgnoreCase), html);
        // The only links are the ranking's anchors into the page itself.
        foreach (Match href in Regex.Matches(html, "href=\"([^\"]*)\"")) Assert.StartsWith("#finding-", href.Groups[1].Value, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Figures_pg_stat_statements_did_not_give_are_shown_absent_not_zero()
    {
        var html = HtmlReport.Render([Finding("QW001") with { Calls = null, TotalTimeMs = null }], Since, Now);

        Assert.Equal(2, Regex.Matches(html, "<dd class=\"absent\"").Count);
        Assert.Matches(new Regex("<dt>Calls</dt><dd class=\"absent\"[^>]*>—</dd>"), html);
        Assert.Matches(new Regex("<dt>Total time</dt><dd class=\"absent\"[^>]*>—</dd>"), html);
    }

    [Fact]
    public void Known_figures_are_printed_with_their_units()
    {
        var html = HtmlReport.Render([Finding("QW001") with { Calls = 12_345, TotalTimeMs = 61_000, CancelledCount = 7, Instances = 3 }], Since, Now);

        Assert.Contains("<dt>Calls</dt><dd>12,345</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Total time</dt><dd>1 min 01 s</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Cancelled</dt><dd>7</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Instances</dt><dd>3</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>First seen</dt><dd>2026-12-04 09:00:00 UTC</dd>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"absent\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_list_renders_a_complete_page_that_says_there_is_no_finding()
    {
        var html = HtmlReport.Render([], Since, Now);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
        Assert.Contains("id=\"no-findings\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"ranking\"", html, StringComparison.Ordinal);
        Assert.Contains("2026-12-03 18:00:00 UTC", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Ranking_draws_one_bar_per_finding_scaled_to_the_costliest()
    {
        var html = HtmlReport.Render([Finding("QW001", cost: 4000), Finding("QW009", cost: 1000), Finding("QW010", cost: 0)], Since, Now);

        var widths = Regex.Matches(html, "<div class=\"bar\"[^>]*><span style=\"width:([0-9.]+)%\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["100", "25", "0"], widths);
        Assert.Equal(3, Regex.Matches(html, "<section class=\"finding\" id=\"finding-[123]\">").Count);
    }

    [Fact]
    public void Plan_is_drawn_as_a_tree_with_only_the_flagged_node_marked()
    {
        var path = FirstScanPath();
        var html = HtmlReport.Render([Finding("QW001", plan: PlanJson, node: path)], Since, Now);

        var plan = PlanReader.Read(PlanJson);
        Assert.Equal(plan.Nodes.Count, Regex.Matches(html, "<div class=\"node\"").Count);
        Assert.Single(Regex.Matches(html, "<li class=\"flagged\">"));
        var flagged = Regex.Match(html, "<li class=\"flagged\"><div class=\"node\" aria-current=\"true\"><span class=\"name\">([^<]*)</span>");
        Assert.True(flagged.Success);
        Assert.Equal(Html.Encode(plan.Nodes.First(n => PlanPath.Of(n) == path).DisplayName), flagged.Groups[1].Value);
        Assert.Equal(Regex.Matches(html, "<ul").Count, Regex.Matches(html, "</ul>").Count);
    }

    [Fact]
    public void Unreadable_plan_costs_only_its_own_box()
    {
        var broken = Finding("QW009", cost: 900, plan: "{ \"Plan\": { \"Node Type\": ", node: "Seq Scan on t");
        var readable = Finding("QW001", cost: 100, plan: PlanJson, node: FirstScanPath());

        var html = HtmlReport.Render([broken, readable], Since, Now);

        Assert.Single(Regex.Matches(html, "class=\"note plan-error\""));
        Assert.Single(Regex.Matches(html, "<ul class=\"tree\">"));
        Assert.Single(Regex.Matches(html, "<li class=\"flagged\">"));
        Assert.Contains("id=\"finding-2\"", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("[{\"Plan\": 5}]")]
    [InlineData("[{\"Plan\": {\"Plans\": [{}]}}]")]
    [InlineData("not a plan at all <b>")]
    [InlineData("\u0000\u0001")]
    public void Any_stored_plan_text_renders_a_complete_page(string plan)
    {
        var html = HtmlReport.Render([Finding("QW009", plan: plan, node: "Seq Scan on t")], Since, Now);

        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"finding-1\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_finding_without_a_plan_says_so()
    {
        var html = HtmlReport.Render([Finding("QW024")], Since, Now);

        Assert.Contains("No plan was kept", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<ul class=\"tree\">", html, StringComparison.Ordinal);
    }

    private static string FirstScanPath() =>
        PlanPath.Of(PlanReader.Read(PlanJson).Nodes.First(n => n.NodeType.Contains("Scan", StringComparison.Ordinal)));

    private static FleetFinding Finding(string ruleId, double cost = 1000, string? plan = null, string? node = null) => new(
        ruleId, "rule-" + ruleId.ToLowerInvariant(), "warning", "0123456789abcdef", null, "SELECT 1 FROM t WHERE a = $1",
        Count: 4, SlowCount: 4, CancelledCount: 0, TimedOutCount: 0, Instances: 2, CapturedMs: cost, Calls: null, TotalTimeMs: null,
        FirstSeen: new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero), LastSeen: new DateTimeOffset(2026, 12, 4, 17, 30, 0, TimeSpan.Zero),
        Message: "message", Suggestion: "suggestion", Node: node, Plan: plan);
}
