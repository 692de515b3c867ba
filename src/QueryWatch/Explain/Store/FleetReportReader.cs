using Npgsql;
using QueryWatch.Plans;

namespace QueryWatch.Explain.Store;

/// <summary>
/// Reads the fleet's findings from the Store for <c>querywatch report</c> (text, JSON and HTML alike): one
/// <see cref="FleetFinding"/> per (statement, rule) seen since a moment, its counts summed over every instance's
/// captures of the statement, ranked by <see cref="FleetFinding.CostMs"/>, most costly first. Redacted unless asked
/// otherwise: what a process that logged values wrote is redacted here as the logs would have been.
/// </summary>
internal static class FleetReportReader
{
    private const string Query = """
        SELECT f.rule_id, f.rule_name, f.severity, f.fingerprint, f.query_id, f.sql,
               coalesce(c.slow, 0), coalesce(c.cancelled, 0), coalesce(c.timed_out, 0), coalesce(c.instances, 0),
               coalesce(c.captured_ms, 0), coalesce(c.unfinished_ms, 0), f.calls, f.total_exec_time_ms,
               least(f.first_seen, c.first_seen), greatest(f.last_seen, c.last_seen),
               f.message, f.suggestion, f.node, f.plan::text, f.redacted
        FROM querywatch.findings f
        LEFT JOIN LATERAL (
            SELECT sum(slow_count)::bigint AS slow, sum(cancelled_count)::bigint AS cancelled, sum(timed_out_count)::bigint AS timed_out,
                   count(*)::int AS instances, sum(captured_ms) AS captured_ms, sum(unfinished_ms) AS unfinished_ms,
                   min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM querywatch.captures c WHERE c.fingerprint = f.capture_fingerprint) c ON true
        WHERE greatest(f.last_seen, c.last_seen) >= $1
        """;

    /// <summary>The findings seen since <paramref name="since"/>, redacted, most costly first.</summary>
    public static Task<IReadOnlyList<FleetFinding>> ReadAsync(string connectionString, DateTimeOffset since, CancellationToken ct)
        => ReadAsync(connectionString, since, showValues: false, ct);

    /// <summary>The findings seen since <paramref name="since"/>, most costly first; values as stored when <paramref name="showValues"/>.</summary>
    /// <exception cref="StoreSchemaMissingException">Schema <c>querywatch</c> is not there or older than this build.</exception>
    /// <exception cref="StoreAccessException">The Store cannot be reached or refused.</exception>
    public static Task<IReadOnlyList<FleetFinding>> ReadAsync(string connectionString, DateTimeOffset since, bool showValues, CancellationToken ct)
        => StoreAccessException.Wrap(() => ReadRankedAsync(connectionString, since, showValues, ct));

    private static async Task<IReadOnlyList<FleetFinding>> ReadRankedAsync(string connectionString, DateTimeOffset since, bool showValues, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "QueryWatch report" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        var version = await StoreSchema.ReadVersionAsync(connection, ct).ConfigureAwait(false);
        if (version < StoreSchema.CurrentVersion) throw new StoreSchemaMissingException(version);

        await using var command = new NpgsqlCommand(Query, connection) { Parameters = { new() { Value = since.ToUniversalTime() } } };
        var findings = new List<FleetFinding>();
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var slow = reader.GetInt64(6);
                var cancelled = reader.GetInt64(7);
                var timedOut = reader.GetInt64(8);
                var finding = new FleetFinding(
                    RuleId: reader.GetString(0),
                    RuleName: reader.GetString(1),
                    Severity: reader.GetString(2),
                    Fingerprint: unchecked((ulong)reader.GetInt64(3)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
                    QueryId: reader.IsDBNull(4) ? null : reader.GetString(4),
                    Sql: reader.GetString(5),
                    Count: slow + cancelled + timedOut,
                    SlowCount: slow,
                    CancelledCount: cancelled,
                    TimedOutCount: timedOut,
                    Instances: reader.GetInt32(9),
                    CapturedMs: reader.GetDouble(10),
                    Calls: reader.IsDBNull(12) ? null : reader.GetInt64(12),
                    TotalTimeMs: reader.IsDBNull(13) ? null : reader.GetDouble(13),
                    FirstSeen: reader.GetFieldValue<DateTimeOffset>(14),
                    LastSeen: reader.GetFieldValue<DateTimeOffset>(15),
                    Message: reader.GetString(16),
                    Suggestion: reader.GetString(17),
                    Node: reader.IsDBNull(18) ? null : reader.GetString(18),
                    Plan: reader.IsDBNull(19) ? null : reader.GetString(19))
                {
                    UnfinishedMs = reader.GetDouble(11),
                };
                var redacted = reader.GetBoolean(20);
                findings.Add(showValues || redacted ? finding : Redact(finding));
            }
        }

        findings.Sort(static (a, b) =>
        {
            var byCost = b.CostMs.CompareTo(a.CostMs);
            if (byCost != 0) return byCost;
            var byCount = b.Count.CompareTo(a.Count);
            return byCount != 0 ? byCount : string.CompareOrdinal(a.RuleId + a.Fingerprint, b.RuleId + b.Fingerprint);
        });
        return findings;
    }

    /// <summary>
    /// A finding a process that logged values wrote: its texts redacted with the constants of its own plan (as
    /// <see cref="FindingRedactor"/> does for the logs), its SQL and plan with every literal replaced.
    /// </summary>
    internal static FleetFinding Redact(FleetFinding finding)
    {
        PlanLiterals? literals = null;
        if (finding.Plan is { } json)
        {
            try
            {
                literals = PlanLiterals.Of(JsonPlanParser.Parse(json).Root);
            }
            catch (PlanParseException)
            {
            }
        }

        string Text(string text) => literals is null ? FindingRedactor.RedactText(text) : literals.Apply(text, out _);
        return finding with
        {
            Sql = FindingRedactor.RedactSql(finding.Sql),
            Message = Text(finding.Message),
            Suggestion = Text(finding.Suggestion),
            Node = finding.Node is null ? null : Text(finding.Node),
            Plan = finding.Plan is null ? null : PlanJsonRedactor.Redact(finding.Plan),
        };
    }
}
