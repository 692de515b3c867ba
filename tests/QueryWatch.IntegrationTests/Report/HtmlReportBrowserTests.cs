using System.Text.Json;
using QueryWatch.Cli.Report;
using QueryWatch.Explain;
using QueryWatch.Explain.Store;
using QueryWatch.Plans;
using QueryWatch.Rules;

namespace QueryWatch.IntegrationTests.Report;

/// <summary>
/// The HTML report in a real browser (issue #14): Debian's headless Chromium opens the page from a file with name
/// resolution mapped to nothing, and the DevTools protocol tells what it requested, what it threw and what it drew.
/// The findings are the rules' own, on plans PostgreSQL printed (the rule fixtures).
/// </summary>
public sealed class HtmlReportBrowserTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(60);

    /// <summary>Set to 1 to copy the screenshot this test takes over docs/images/report.png (the README's picture).</summary>
    private const string UpdateScreenshotVariable = "QUERYWATCH_UPDATE_SCREENSHOT";

    [Fact]
    public async Task Report_loads_offline_without_script_errors_and_shows_the_ranking_and_plan_trees()
    {
        var chromium = HeadlessChromium.FindOrSkip();
        var ct = TestContext.Current.CancellationToken;
        var findings = RealFindings();
        var html = HtmlReport.Render(findings, new DateTimeOffset(2026, 12, 3, 18, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 4, 18, 0, 0, TimeSpan.Zero));
        var file = Path.Combine(AppContext.BaseDirectory, "report-under-test.html");
        await File.WriteAllTextAsync(file, html, ct);

        await using var browser = await HeadlessChromium.StartAsync(chromium, 1280, 900, ct);
        var page = browser.Page;
        foreach (var domain in new[] { "Page", "Network", "Runtime", "Log" }) await page.SendAsync(domain + ".enable", null, Step, ct);
        await page.SendAsync("Page.navigate", new { url = new Uri(file).AbsoluteUri }, Step, ct);
        await page.WaitForEventAsync("Page.loadEventFired", Step, ct);

        var dom = (await page.SendAsync("Runtime.evaluate", new
        {
            expression = """
                JSON.stringify({
                  rows: document.querySelectorAll('#ranking tr.bar-row').length,
                  bars: [...document.querySelectorAll('#ranking .bar span')].map(b => b.getBoundingClientRect().width),
                  trees: document.querySelectorAll('section.finding ul.tree').length,
                  treeNodes: document.querySelectorAll('ul.tree .node').length,
                  flagged: document.querySelectorAll('ul.tree li.flagged').length,
                  outside: [...document.querySelectorAll('[src],[href],link,script,iframe,object,embed,img')]
                    .map(e => e.getAttribute('src') || e.getAttribute('href') || e.tagName).filter(u => !u.startsWith('#')),
                  fonts: [...document.fonts].map(f => f.family)
                })
                """,
            returnByValue = true,
        }, Step, ct)).GetProperty("result").GetProperty("value").GetString()!;
        using var shown = JsonDocument.Parse(dom);
        var root = shown.RootElement;

        var events = page.Events;
        var requested = events.Where(e => e.Method == "Network.requestWillBeSent")
            .Select(e => e.Params.GetProperty("request").GetProperty("url").GetString()!).ToList();
        Assert.Equal([new Uri(file).AbsoluteUri], requested);
        Assert.DoesNotContain(events, e => e.Method == "Network.loadingFailed");
        Assert.DoesNotContain(events, e => e.Method == "Runtime.exceptionThrown");
        Assert.DoesNotContain(events, e => e.Method == "Runtime.consoleAPICalled" && e.Params.GetProperty("type").GetString() is "error" or "assert");
        Assert.DoesNotContain(events, e => e.Method == "Log.entryAdded" && e.Params.GetProperty("entry").GetProperty("level").GetString() == "error");

        Assert.Equal(findings.Count, root.GetProperty("rows").GetInt32());
        var bars = root.GetProperty("bars").EnumerateArray().Select(b => b.GetDouble()).ToList();
        Assert.True(bars[0] > 0 && bars.Zip(bars.Skip(1)).All(p => p.First >= p.Second), "bars drawn and decreasing: " + string.Join(", ", bars));
        Assert.Equal(findings.Count, root.GetProperty("trees").GetInt32());
        Assert.Equal(findings.Count, root.GetProperty("flagged").GetInt32());
        Assert.True(root.GetProperty("treeNodes").GetInt32() > findings.Count);
        Assert.Empty(root.GetProperty("outside").EnumerateArray());
        Assert.Empty(root.GetProperty("fonts").EnumerateArray());

        var screenshot = await ScreenshotAsync(page, ct);
        var png = Path.Combine(AppContext.BaseDirectory, "report.png");
        await File.WriteAllBytesAsync(png, screenshot, ct);
        Assert.True(screenshot.AsSpan().StartsWith((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G']), "a PNG");
        if (Environment.GetEnvironmentVariable(UpdateScreenshotVariable) == "1")
            File.Copy(png, Path.Combine(RepositoryRoot(), "docs", "images", "report.png"), overwrite: true);
    }

    /// <summary>The ranking and the first findings, as a reader first sees the page.</summary>
    private static async Task<byte[]> ScreenshotAsync(DevToolsSession page, CancellationToken ct)
    {
        var metrics = await page.SendAsync("Page.getLayoutMetrics", null, Step, ct);
        var size = metrics.GetProperty("cssContentSize");
        var height = Math.Min(size.GetProperty("height").GetDouble(), 1700);
        var shot = await page.SendAsync("Page.captureScreenshot", new
        {
            format = "png",
            captureBeyondViewport = true,
            clip = new { x = 0, y = 0, width = size.GetProperty("width").GetDouble(), height, scale = 1 },
        }, Step, ct);
        return Convert.FromBase64String(shot.GetProperty("data").GetString()!);
    }

    /// <summary>
    /// Findings as the Store would hold them: each one the rules raised on a real plan, redacted like every sink's,
    /// with fleet figures around it; one statement was only ever cancelled (no pg_stat_statements figures).
    /// </summary>
    private static List<FleetFinding> RealFindings()
    {
        var seen = new DateTimeOffset(2026, 12, 4, 9, 12, 0, TimeSpan.Zero);
        var figures = new (string Rule, long Calls, double TotalMs, long Cancelled, int Instances)[]
        {
            ("QW004", 48_210, 2_950_000, 37, 6),
            ("QW001", 120_400, 1_310_000, 0, 6),
            ("QW003", -1, -1, 212, 4),
            ("QW005", 3_100, 205_000, 2, 3),
        };
        var findings = new List<FleetFinding>();
        foreach (var (rule, calls, totalMs, cancelled, instances) in figures)
        {
            var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "rules", rule + "-bad-analyze.json"));
            var sql = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "rules", rule + "-bad.sql"));
            var finding = FindingRedactor.Redact(new RuleEngine().Analyze(PlanReader.Read(json), sql).First(f => f.RuleId == rule));
            var fingerprint = QueryWatch.Sql.SqlFingerprint.Compute(sql);
            var unfinishedMs = cancelled * 30_000.0;
            findings.Add(new FleetFinding(finding.RuleId, finding.RuleName, PlanTreeWriter.Severity(finding.Severity), fingerprint.IdHex,
                QueryId: null, fingerprint.Normalized, Count: cancelled + 25, SlowCount: 25, CancelledCount: cancelled, TimedOutCount: 0,
                instances, CapturedMs: 25 * 1_800 + unfinishedMs, Calls: calls < 0 ? null : calls, TotalTimeMs: totalMs < 0 ? null : totalMs,
                seen, seen.AddHours(8), finding.Message, finding.Suggestion, finding.NodePath, json) { UnfinishedMs = unfinishedMs });
        }
        return [.. findings.OrderByDescending(f => f.CostMs)];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QueryWatch.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("QueryWatch.sln not found above " + AppContext.BaseDirectory);
    }
}
