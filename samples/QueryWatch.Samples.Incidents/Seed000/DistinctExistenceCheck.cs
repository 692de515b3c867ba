using Microsoft.EntityFrameworkCore;
using QueryWatch.Samples.Incidents.Running;

namespace QueryWatch.Samples.Incidents.Seed000;

/// <summary>
/// Seed 000 (Arkindex): "is there an errored activity for this process?" asked with DISTINCT ON (element_id)
/// ... LIMIT 1. PostgreSQL walks the element_id index for the DISTINCT and filters every heap row on
/// process_id and state; the matching rows sit at the far end of the index.
/// </summary>
internal sealed class DistinctExistenceCheck : Incident<ArkindexContext>
{
    private const int ProcessId = 7;
    private const string ErrorState = "error";

    public override int Number => 0;

    public override string Title => "Arkindex (Django): an existence check SELECT DISTINCT ON (element_id) 1 ... LIMIT 1 walked the whole element_id index; cancelled after ~20 s";

    public override string Fix => "drop the DISTINCT for an existence check: Limit -> Index Scan using the process_id index, < 100 ms (QueryWatch's rewrite RW001 does exactly this)";

    public override IReadOnlyList<string> ExpectedRules => ["QW001"];

    protected override ArkindexContext NewContext(DbContextOptions<ArkindexContext> options) => new(options);

    protected override async Task LoadAsync(ArkindexContext context, IncidentSession session, CancellationToken ct)
    {
        var rows = session.Rows(1_000_000, floor: 20_000);
        // Process 7's errors are the last 2% of element ids: the element_id index reaches them last.
        var errorsFrom = (int)(rows * 0.98);
        await session.LoadAsync($"activity ({rows:N0} rows, process {ProcessId}'s errors at the end of element_id)", () => context.Database.ExecuteSqlAsync($"""
            INSERT INTO activity (id, process_id, element_id, state)
            SELECT i, i % 50, i,
                   CASE WHEN i % 50 = 7 THEN (CASE WHEN i > {errorsFrom} THEN 'error' ELSE 'done' END)
                        WHEN i % 53 = 0 THEN 'error' ELSE 'done' END
            FROM generate_series(1, {rows}) i
            """, ct)).ConfigureAwait(false);
        await session.LoadAsync("statistics (ANALYZE activity)", () => context.Database.ExecuteSqlRawAsync("ANALYZE activity", ct)).ConfigureAwait(false);
    }

    protected override async Task PlayAsync(ArkindexContext context, IncidentSession session, CancellationToken ct)
    {
        var errored = context.Activities.Where(a => a.ProcessId == ProcessId && a.State == ErrorState);

        // The LINQ an EF user would write for Django's .distinct("element_id").exists().
        await session.FixedAsync(context, "first, the LINQ an EF user would write: .Where(...).Select(a => a.ElementId).Distinct().Any()",
            async c => await errored.Select(a => a.ElementId).Distinct().AnyAsync(c).ConfigureAwait(false) ? 1 : 0, ct, showSql: true).ConfigureAwait(false);
        session.Detail(session.LastSql.Contains("DISTINCT", StringComparison.OrdinalIgnoreCase)
            ? "EF keeps the DISTINCT, but inside EXISTS, where PostgreSQL's planner drops it (simplify_EXISTS_query): not the incident's plan."
            : "EF drops the DISTINCT for Any(), so LINQ cannot produce the incident's SQL (and this is already the fixed query).");
        session.Detail("So the incident runs as Django sent it: the original SQL through SqlQuery (FromSql's scalar form).");

        await session.BadAsync(context, "the incident's query: SqlQuery($\"SELECT DISTINCT ON (element_id) 1 ... LIMIT 1\")",
            async c => (await context.Database.SqlQuery<int>(
                $"SELECT DISTINCT ON (element_id) 1 AS \"Value\" FROM activity WHERE process_id = {ProcessId} AND state = {ErrorState} LIMIT 1")
                .ToListAsync(c).ConfigureAwait(false)).Count,
            session.StatementTimeout, ct).ConfigureAwait(false);

        await session.FixedAsync(context, "fixed: the same SQL without DISTINCT ON (element_id), the edit rewrite RW001 makes",
            async c => (await context.Database.SqlQuery<int>(
                $"SELECT 1 AS \"Value\" FROM activity WHERE process_id = {ProcessId} AND state = {ErrorState} LIMIT 1")
                .ToListAsync(c).ConfigureAwait(false)).Count, ct).ConfigureAwait(false);
    }
}
