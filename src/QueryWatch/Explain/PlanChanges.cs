using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// The worker's side of plan history (issue #15): what QW026 plan-changed needs before the rules run
/// (the statement's last recorded plan, and which of its indexes the server no longer has, from
/// <c>pg_class</c>), and the recording of each plan explained. A failing history or catalog read costs
/// the finding its detail, never the capture.
/// </summary>
internal sealed class PlanChanges(NpgsqlDataSource dataSource, IPlanHistory history, ILogger logger)
{
    /// <summary>At most one baseline per statement in this period.</summary>
    public static readonly TimeSpan BaselineInterval = TimeSpan.FromHours(1);

    // Names only: a plan without VERBOSE does not name an index's schema, and an index of that name in
    // any schema is the benefit of the doubt (the finding then says "no longer uses", not "dropped").
    private const string ExistingIndexes = """
        SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relkind IN ('i', 'I') AND c.relname = ANY(@names)
        """;

    public IPlanHistory History => history;

    /// <summary>True when <paramref name="fingerprint"/> had a baseline within <see cref="BaselineInterval"/>.</summary>
    public async Task<bool> HasRecentBaselineAsync(SqlFingerprint fingerprint, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            return await history.LastBaselineAsync(fingerprint.Id, ct).ConfigureAwait(false) is { } last && now - last < BaselineInterval;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.AdviceUnavailable(logger, fingerprint.IdHex, "reading plan history", e.GetType().Name);
            return true;
        }
    }

    /// <summary>The plan last recorded for the statement, with its vanished indexes when the shape moved; null when none.</summary>
    public async Task<PriorPlan?> PriorAsync(Plan plan, SqlFingerprint fingerprint, DateTimeOffset now, CancellationToken ct)
    {
        PlanRecord? last;
        try
        {
            last = await history.LastAsync(fingerprint.Id, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.AdviceUnavailable(logger, fingerprint.IdHex, "reading plan history", e.GetType().Name);
            return null;
        }

        if (last is null) return null;
        var prior = new PriorPlan(last.Shape, last.ShapeHash, last.LastSeen, last.Durations) { Now = now };
        if (PlanShape.Hash(plan) == last.ShapeHash) return prior;

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in plan.Nodes) if (node.IndexName is { } index) used.Add(index);
        var gone = new List<string>();
        foreach (var node in last.Shape.Nodes)
        {
            if (node.IndexName is { } index && !used.Contains(index) && !gone.Contains(index)) gone.Add(index);
        }
        if (gone.Count == 0) return prior;

        try
        {
            var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await using var command = new NpgsqlCommand(ExistingIndexes, connection);
                command.Parameters.AddWithValue("names", gone.ToArray());
                var existing = new HashSet<string>(StringComparer.Ordinal);
                await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false)) existing.Add(reader.GetString(0));
                }
                gone.RemoveAll(existing.Contains);
                return prior with { DroppedIndexes = gone };
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            Log.AdviceUnavailable(logger, fingerprint.IdHex, "checking the old plan's indexes", FindingRedactor.RedactText(e.Message));
            return prior;
        }
    }

    /// <summary>Records the plan a command ran with; returns its shape hash.</summary>
    public async Task<ulong> RecordAsync(Plan plan, SqlFingerprint fingerprint, TimeSpan duration, DateTimeOffset at, bool baseline, CancellationToken ct)
    {
        var hash = PlanShape.Hash(plan);
        try
        {
            await history.RecordAsync(fingerprint.Id, PlanShape.Skeleton(plan), hash, duration, at, baseline, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.AdviceUnavailable(logger, fingerprint.IdHex, "recording plan history", e.GetType().Name);
        }
        return hash;
    }
}
