using System.Globalization;
using System.Text;
using QueryWatch.Explain.Store;

namespace QueryWatch.Cli.Report;

/// <summary><c>querywatch report</c> for a terminal: the findings most costly first, each in a few indented lines.</summary>
internal static class TextReport
{
    private const int MaxSqlLength = 300;

    public static string Render(IReadOnlyList<FleetFinding> findings, DateTimeOffset since, DateTimeOffset generatedAt)
    {
        var text = new StringBuilder();
        var period = $"{When(since)} to {When(generatedAt)}";
        if (findings.Count == 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"No findings in the Store from {period}.");
            return text.ToString();
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{findings.Count} findings from {period}, most costly first (cost: completed time from pg_stat_statements plus cancelled and timed-out time; captured time where pg_stat_statements had nothing).");
        for (var i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"{i + 1}. {f.RuleId} {f.RuleName} ({f.Severity})  cost {Ms(f.CostMs)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"   sql:   {Shorten(f.Sql)}");
            text.Append(CultureInfo.InvariantCulture, $"   seen:  {f.Count} captures ({f.SlowCount} slow, {f.CancelledCount} cancelled, {f.TimedOutCount} timed out) by {f.Instances} instance{(f.Instances == 1 ? "" : "s")}, {Ms(f.CapturedMs)} captured");
            if (f.Calls is { } calls) text.Append(CultureInfo.InvariantCulture, $"; {calls} completed calls");
            if (f.TotalTimeMs is { } total) text.Append(CultureInfo.InvariantCulture, $", {Ms(total)} in total");
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"   when:  first {When(f.FirstSeen)}, last {When(f.LastSeen)}; fingerprint {f.Fingerprint}");
            if (f.QueryId is not null) text.Append(CultureInfo.InvariantCulture, $", query id {f.QueryId}");
            text.AppendLine();
            if (f.Node is not null) text.AppendLine(CultureInfo.InvariantCulture, $"   at:    {f.Node}");
            text.AppendLine(CultureInfo.InvariantCulture, $"   why:   {f.Message}");
            text.AppendLine(CultureInfo.InvariantCulture, $"   fix:   {f.Suggestion}");
        }
        return text.ToString();
    }

    private static string When(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Ms(double ms) => ms >= 10_000
        ? (ms / 1000).ToString("0.#", CultureInfo.InvariantCulture) + " s"
        : ms.ToString("0.#", CultureInfo.InvariantCulture) + " ms";

    private static string Shorten(string sql) => sql.Length <= MaxSqlLength ? sql : sql[..MaxSqlLength] + "…";
}
