using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueryWatch.Samples.Incidents.Logging;

namespace QueryWatch.Samples.Incidents.Running;

/// <summary>
/// What an incident uses while it runs: the data scale, progress lines, and the two kinds of query run
/// (the bad one, whose QueryWatch findings are collected and printed, and the fixed one, which is timed).
/// </summary>
internal sealed class IncidentSession(FindingRecorder recorder, CommandTextRecorder commands, TimeSpan slowCommandThreshold, double scale, TextWriter output)
{
    private static readonly TimeSpan s_explainWait = TimeSpan.FromSeconds(30);
    private readonly List<RecordedEvent> _findings = [];

    public double Scale => scale;

    /// <summary>The SQL of the last query EF sent.</summary>
    public string LastSql => commands.LastCommandText;

    /// <summary>Every finding QueryWatch logged for this incident's bad queries.</summary>
    public IReadOnlyList<RecordedEvent> Findings => _findings;

    /// <summary>The rules QueryWatch logged for a bad query that statement_timeout cancelled: all it had was an estimated plan and a duration.</summary>
    public IReadOnlyList<string> CancelledRules => [.. _cancelledRules.Order(StringComparer.Ordinal)];

    private readonly HashSet<string> _cancelledRules = new(StringComparer.Ordinal);

    /// <summary>
    /// The statement_timeout the production runs hit, scaled down with the data: 80 ms at scale 1 (the bad
    /// queries take 250-350 ms there), a few ms at CI scale. Never below 2 ms, PostgreSQL's timer is coarse.
    /// </summary>
    public TimeSpan StatementTimeout => TimeSpan.FromMilliseconds(Math.Max(2, Math.Round(80 * scale)));

    /// <summary>A row count: <paramref name="full"/> at scale 1, never below <paramref name="floor"/> (the least that still forms the bad plan).</summary>
    public int Rows(int full, int floor = 0) => Math.Max(floor, (int)Math.Round(full * scale));

    public void Say(string text) => output.WriteLine("  " + text);

    public void Detail(string text) => output.WriteLine("      " + text);

    /// <summary>Runs one loading step and prints how long it took.</summary>
    public async Task LoadAsync(string what, Func<Task> step)
    {
        output.Write($"  loading {what} ... ");
        var started = Stopwatch.GetTimestamp();
        await step().ConfigureAwait(false);
        output.WriteLine(Seconds(Stopwatch.GetElapsedTime(started)));
    }

    /// <summary>
    /// Runs the incident's bad query on the watched <paramref name="context"/> (under <paramref name="statementTimeout"/>
    /// when given, on the same connection), waits for QueryWatch's explain worker and prints what it logged.
    /// </summary>
    public async Task BadAsync(DbContext context, string label, Func<CancellationToken, Task<int>> query, TimeSpan? statementTimeout, CancellationToken ct,
        bool showSql = false)
    {
        output.WriteLine();
        Say("▸ " + label + (statementTimeout is { } t ? $", under statement_timeout = {Ms(t)}" : ""));
        var mark = recorder.Mark();
        IReadOnlyList<KeyValuePair<string, string>> settings = statementTimeout is { } timeout
            ? [new("statement_timeout", ((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture))]
            : [];
        var (_, rows, cancelled) = await TimeAsync(context, query, settings, ct).ConfigureAwait(false);
        var elapsed = commands.LastDuration;
        Detail(cancelled
            ? $"cancelled by statement_timeout after {Ms(elapsed)}: the application got SQLSTATE 57014 and no rows"
            : $"finished in {Ms(elapsed)}, {rows} row(s)");
        if (showSql) Detail("EF sent: " + OneLine(LastSql));
        if (!cancelled && elapsed < slowCommandThreshold)
        {
            Detail($"the command took less than SlowCommandThreshold ({Ms(slowCommandThreshold)}): not captured; raise --scale");
            return;
        }

        var explained = await WaitForExplainAsync(mark, cancelled ? "Cancelled" : "Slow", elapsed, s_explainWait, ct).ConfigureAwait(false);
        if (explained is null)
        {
            var failed = recorder.Since(mark).FirstOrDefault(e => e.EventId == RecordedEvent.ExplainFailed);
            Detail(failed is null ? $"QueryWatch did not explain it within {s_explainWait.TotalSeconds:0} s" : $"QueryWatch's EXPLAIN failed: {failed["Reason"]}");
            return;
        }

        var fingerprint = explained["Fingerprint"];
        if (explained["FindingCount"] == "0" && explained["Outcome"] != "Slow")
        {
            // For a cancelled command with no finding, the most-expensive-node event follows the explain event.
            await recorder.WaitForAsync(mark, e => e.EventId == RecordedEvent.MostExpensiveNode && e["Fingerprint"] == fingerprint, TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
        }

        var events = recorder.Since(mark).Where(e => e["Fingerprint"] == fingerprint).ToList();
        var analyzed = explained["Analyze"] == "True";
        Detail($"QueryWatch captured it as {explained["Outcome"]} and explained it out of band {(analyzed ? "with ANALYZE" : "without ANALYZE (estimated plan)")}:");
        foreach (var finding in events.Where(e => e.EventId == RecordedEvent.Finding))
        {
            _findings.Add(finding);
            // Caught means said at warning: an info note on a cancelled command is what any pasted plan gets.
            if (explained["Outcome"] != "Slow" && finding["Severity"] is "Warning" or "Critical") _cancelledRules.Add(finding["RuleId"]);
            Detail($"  {finding["RuleId"]} {finding["RuleName"]} ({finding["Severity"]}) at {finding["Node"]}");
            Detail($"    {finding["Message"]}");
            Detail($"    fix: {finding["Suggestion"]}");
        }

        foreach (var node in events.Where(e => e.EventId == RecordedEvent.MostExpensiveNode))
            Detail($"  no rule fired on the estimated plan; most expensive node: {node["Node"]} ({node["NodeType"]}, total cost {node["TotalCost"]})");
    }

    /// <summary>Runs the fixed query on the watched context and prints its time (and any finding, should it be slow too).</summary>
    /// <remarks><paramref name="settings"/> are SET on the query's connection first: a fixed query that needs the planner's defaults back.</remarks>
    public async Task FixedAsync(DbContext context, string label, Func<CancellationToken, Task<int>> query, CancellationToken ct,
        IReadOnlyList<KeyValuePair<string, string>>? settings = null, bool showSql = false)
    {
        output.WriteLine();
        Say("▸ " + label + (settings is { Count: > 0 } ? " (" + string.Join(", ", settings.Select(s => $"{s.Key} = {s.Value}")) + ")" : ""));
        var mark = recorder.Mark();
        var (_, rows, _) = await TimeAsync(context, query, settings ?? [], ct).ConfigureAwait(false);
        var elapsed = commands.LastDuration;
        Detail($"finished in {Ms(elapsed)}, {rows} row(s)");
        if (showSql) Detail("EF sent: " + OneLine(LastSql));
        if (elapsed < slowCommandThreshold) return;

        var explained = await WaitForExplainAsync(mark, "Slow", elapsed, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        if (explained is null) return;
        var findings = recorder.Since(mark).Where(e => e.EventId == RecordedEvent.Finding && e["Fingerprint"] == explained["Fingerprint"]).ToList();
        Detail(findings.Count == 0
            ? "over the threshold, so QueryWatch explained it too: no finding"
            : "QueryWatch still reports: " + string.Join(", ", findings.Select(f => f["RuleId"] + " " + f["RuleName"])));
    }

    /// <summary>
    /// The explain event of the command just run. Each incident's database has its own explain worker, and a
    /// previous incident's worker may still be reporting: the command is recognised by its outcome and duration
    /// (QueryWatch's DurationMs is EF's own measure, as the sample's), its findings then by fingerprint.
    /// </summary>
    private Task<RecordedEvent?> WaitForExplainAsync(long mark, string outcome, TimeSpan duration, TimeSpan timeout, CancellationToken ct)
    {
        var ms = (long)duration.TotalMilliseconds;
        return recorder.WaitForAsync(mark, e => e.EventId == RecordedEvent.ExplainCompleted && e["Outcome"] == outcome
            && long.TryParse(e["DurationMs"], CultureInfo.InvariantCulture, out var logged) && Math.Abs(logged - ms) <= 1, timeout, ct);
    }

    private static async Task<(TimeSpan Elapsed, int Rows, bool Cancelled)> TimeAsync(
        DbContext context, Func<CancellationToken, Task<int>> query, IReadOnlyList<KeyValuePair<string, string>> settings, CancellationToken ct)
    {
        if (settings.Count > 0)
        {
            // SET applies to the session: keep the connection open so the query runs on the same one.
            // Closing it returns it to Npgsql's pool, which resets the session (DISCARD ALL) before its next use.
            await context.Database.OpenConnectionAsync(ct).ConfigureAwait(false);
            // set_config(name, value, is_local = false) is SET for the session, with both as parameters.
            foreach (var (name, value) in settings)
                await context.Database.ExecuteSqlAsync($"SELECT set_config({name}, {value}, false)", ct).ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var rows = await query(ct).ConfigureAwait(false);
            return (Stopwatch.GetElapsedTime(started), rows, false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled)
        {
            return (Stopwatch.GetElapsedTime(started), 0, true);
        }
        finally
        {
            if (settings.Count > 0) await context.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    public static string OneLine(string sql)
        => string.Join(' ', sql.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public static string Ms(TimeSpan t) => t.TotalMilliseconds < 10
        ? t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms"
        : t.TotalMilliseconds.ToString("#,0", CultureInfo.InvariantCulture) + " ms";

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
