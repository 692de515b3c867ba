using System.Globalization;
using System.Text;
using QueryWatch.Explain.Store;

namespace QueryWatch.Cli.Report;

/// <summary>
/// <c>querywatch report --format html</c>: one self-contained page, the view a team opens after an incident. It
/// loads nothing (no script, font, image or style from anywhere: a page mailed around or opened offline looks the
/// same), needs no JavaScript, and encodes every text it shows. The ranking is a bar chart of each finding's time
/// cost (<see cref="FleetFinding.CostMs"/>); below it each finding with its figures, its fix and its plan as a tree
/// with the flagged node marked.
/// </summary>
internal static class HtmlReport
{
    /// <summary>Renders <paramref name="findings"/>, already ranked most costly first, as a complete HTML document.</summary>
    internal static string Render(IReadOnlyList<FleetFinding> findings, DateTimeOffset since, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>QueryWatch report since ").AppendEncoded(Html.Utc(since)).Append("</title>\n")
            .Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");

        html.Append("<header>\n<h1>QueryWatch: findings ranked by the time they cost</h1>\n<p class=\"period\">")
            .Append("Since <time datetime=\"").Append(Html.Iso(since)).Append("\">").AppendEncoded(Html.Utc(since)).Append("</time>")
            .Append(" · generated <time datetime=\"").Append(Html.Iso(generatedAt)).Append("\">").AppendEncoded(Html.Utc(generatedAt)).Append("</time>")
            .Append(" · ").Append(findings.Count.ToString(CultureInfo.InvariantCulture)).Append(findings.Count == 1 ? " finding" : " findings")
            .Append("</p>\n</header>\n<main>\n");

        if (findings.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"no-findings\">No finding since ").AppendEncoded(Html.Utc(since))
                .Append(": nothing that QueryWatch captured in this period broke a rule.</p>\n");
        }
        else
        {
            AppendRanking(html, findings);
            for (var i = 0; i < findings.Count; i++) AppendFinding(html, findings[i], i + 1);
        }

        html.Append("</main>\n<footer><p>Cost: completed time from pg_stat_statements (when readable) plus the cancelled and ")
            .Append("timed-out time only QueryWatch saw; without pg_stat_statements, the captured time.</p></footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendRanking(StringBuilder html, IReadOnlyList<FleetFinding> findings)
    {
        var max = 0.0;
        foreach (var f in findings) max = Math.Max(max, f.CostMs);
        html.Append("<section id=\"ranking\" aria-labelledby=\"ranking-title\">\n<h2 id=\"ranking-title\">Time cost</h2>\n")
            .Append("<table class=\"ranking\">\n<thead><tr><th>#</th><th>Rule</th><th>Statement</th><th class=\"chart\">Cost</th></tr></thead>\n<tbody>\n");
        for (var i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            // Widths in whole tenths of a percent; a finding that cost anything keeps a visible sliver.
            var share = max > 0 ? Math.Max(f.CostMs / max * 100, f.CostMs > 0 ? 0.5 : 0) : 0;
            var rank = (i + 1).ToString(CultureInfo.InvariantCulture);
            html.Append("<tr class=\"bar-row\"><td>").Append(rank).Append("</td><td><a href=\"#finding-").Append(rank).Append("\">")
                .AppendEncoded(f.RuleId).Append("</a> <span class=\"sev ").Append(SeverityClass(f.Severity)).Append("\">")
                .AppendEncoded(f.Severity).Append("</span></td><td class=\"stmt\" title=\"").AppendEncoded(f.Sql).Append("\">")
                .AppendEncoded(f.Sql).Append("</td><td class=\"chart\"><div class=\"bar\" role=\"img\" aria-label=\"")
                .AppendEncoded(Html.Duration(f.CostMs)).Append("\"><span style=\"width:")
                .Append(share.ToString("0.#", CultureInfo.InvariantCulture)).Append("%\"")
                .Append(f.CancelledCount + f.TimedOutCount > 0 ? " class=\"unfinished\"" : "").Append("></span></div><span class=\"cost\">")
                .AppendEncoded(Html.Duration(f.CostMs)).Append("</span></td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n<p class=\"legend\"><span class=\"key done\"></span> findings whose statement only ever finished slow ")
            .Append("<span class=\"key unfinished\"></span> findings with cancelled or timed-out executions</p>\n</section>\n");
    }

    private static void AppendFinding(StringBuilder html, FleetFinding f, int rank)
    {
        var id = rank.ToString(CultureInfo.InvariantCulture);
        html.Append("<section class=\"finding\" id=\"finding-").Append(id).Append("\">\n<h2>").Append(id).Append(". ")
            .AppendEncoded(f.RuleId).Append(' ').AppendEncoded(f.RuleName).Append(" <span class=\"sev ").Append(SeverityClass(f.Severity))
            .Append("\">").AppendEncoded(f.Severity).Append("</span></h2>\n");
        html.Append("<pre class=\"sql\"><code>").AppendEncoded(f.Sql).Append("</code></pre>\n<dl class=\"figures\">\n");
        Figure(html, "Cost", Html.Duration(f.CostMs));
        Figure(html, "Calls", f.Calls is { } calls ? Html.Count(calls) : null, "not known: pg_stat_statements was not readable");
        Figure(html, "Total time", f.TotalTimeMs is { } total ? Html.Duration(total) : null, "not known: pg_stat_statements was not readable");
        Figure(html, "Cancelled", Html.Count(f.CancelledCount));
        Figure(html, "Timed out", Html.Count(f.TimedOutCount));
        Figure(html, "Captured", Html.Count(f.Count) + " (" + Html.Duration(f.CapturedMs) + ")");
        Figure(html, "Instances", f.Instances.ToString(CultureInfo.InvariantCulture));
        Figure(html, "First seen", Html.Utc(f.FirstSeen));
        Figure(html, "Last seen", Html.Utc(f.LastSeen));
        Figure(html, "Fingerprint", f.Fingerprint);
        if (f.QueryId is { } queryId) Figure(html, "Query id", queryId);
        html.Append("</dl>\n<p class=\"message\">").AppendEncoded(f.Message).Append("</p>\n")
            .Append("<p class=\"fix\"><strong>Fix:</strong> ").AppendEncoded(f.Suggestion).Append("</p>\n");
        if (f.Node is { } node) html.Append("<p class=\"at\">At: <code>").AppendEncoded(node).Append("</code></p>\n");
        HtmlPlanTree.Append(html, f.Plan, f.Node, f.RuleId);
        html.Append("</section>\n");
    }

    private static void Figure(StringBuilder html, string name, string? value, string? absent = null)
    {
        html.Append("<div><dt>").AppendEncoded(name).Append("</dt><dd");
        if (value is null) html.Append(" class=\"absent\" title=\"").AppendEncoded(absent).Append("\">—");
        else html.Append('>').AppendEncoded(value);
        html.Append("</dd></div>\n");
    }

    // Only the three known severities name a class; anything else the Store holds is shown, not styled.
    private static string SeverityClass(string severity) => severity switch
    {
        "critical" => "critical",
        "warning" => "warning",
        "info" => "info",
        _ => "other",
    };

    // System fonts only: a page that names a web font would fetch it.
    private const string Style = """
        :root { color-scheme: light; --ink: #1d232b; --muted: #5d6875; --line: #d8dee6; --bar: #3f7bd9; --unfinished: #d9534f; --flag: #fff1b8; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #f6f8fa; }
        header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 20px; }
        header { padding-top: 18px; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 18px; margin: 0 0 10px; }
        .period, footer, .legend, .note { color: var(--muted); font-size: 13px; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 16px 18px; margin: 16px 0; }
        table.ranking { width: 100%; border-collapse: collapse; table-layout: fixed; }
        .ranking th, .ranking td { text-align: left; padding: 5px 6px; border-bottom: 1px solid var(--line); vertical-align: middle; }
        .ranking th:nth-child(1) { width: 32px; } .ranking th:nth-child(2) { width: 150px; } .ranking th.chart { width: 42%; }
        .stmt { font: 13px ui-monospace, "DejaVu Sans Mono", monospace; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        td.chart { display: flex; align-items: center; gap: 8px; }
        .bar { flex: 1; height: 16px; background: #eef2f6; border-radius: 3px; overflow: hidden; }
        .bar span { display: block; height: 100%; background: var(--bar); }
        .bar span.unfinished, .key.unfinished { background: var(--unfinished); }
        .cost { min-width: 84px; text-align: right; font-variant-numeric: tabular-nums; }
        .key { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px; background: var(--bar); }
        .sev { font-size: 12px; padding: 1px 6px; border-radius: 9px; background: #e6ebf1; color: var(--ink); font-weight: normal; }
        .sev.critical { background: #f8d7da; color: #842029; } .sev.warning { background: #fff3cd; color: #664d03; } .sev.info { background: #cff4fc; color: #055160; }
        pre.sql { background: #f3f5f8; border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; white-space: pre-wrap; word-break: break-word; font-size: 13px; margin: 0 0 10px; }
        dl.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 6px 14px; margin: 0 0 10px; }
        dl.figures div { border-left: 3px solid var(--line); padding-left: 8px; }
        dt { color: var(--muted); font-size: 12px; } dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
        dd.absent { color: var(--muted); }
        .message { margin: 6px 0; } .fix { margin: 6px 0; padding: 8px 10px; background: #eaf6ec; border-radius: 4px; }
        .at code, .detail code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; }
        .plan { margin-top: 10px; } .plan-head { font-weight: 600; margin: 0 0 4px; }
        ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 18px; }
        ul.tree { padding-left: 0; }
        ul.tree ul { border-left: 1px dashed #b8c2cc; margin-left: 6px; }
        .node { padding: 3px 6px; margin: 2px 0; border-radius: 4px; }
        .node .name { font-weight: 600; }
        .node .label { color: var(--muted); font-style: italic; }
        .node .figures span { color: var(--muted); font-size: 12px; margin-left: 10px; }
        .detail { font-size: 12px; color: #39424d; padding-left: 12px; word-break: break-word; }
        .detail .dk { color: var(--muted); }
        li.flagged > .node { background: var(--flag); outline: 2px solid #e0a800; }
        mark.flag { background: #e0a800; color: #fff; border-radius: 3px; padding: 0 5px; font-size: 12px; margin-left: 6px; }
        .empty { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 16px; }
        """;
}
