using Microsoft.EntityFrameworkCore;
using QueryWatch.Samples.Incidents.Running;

namespace QueryWatch.Samples.Incidents.Seed003;

/// <summary>
/// Seed 003 (GitLab): expiring artifacts joined every expired artifact to its pipeline and kept the unlocked
/// ones; every pipeline was locked, so the inner index scan's Filter threw away each row it fetched.
/// </summary>
internal sealed class InnerLoopDiscard : Incident<CiContext>
{
    private const int BatchSize = 1_000;

    public override int Number => 3;

    public override string Title => "GitLab: expiring artifacts ran 861,384 inner index scans on ci_pipelines whose Filter locked = 0 removed every row; 304 s, statement timeouts, no work done";

    public override string Fix => "iterate the artifacts table in id-range batches, then filter: 1.6 s per batch";

    public override IReadOnlyList<string> ExpectedRules => ["QW004"];

    protected override CiContext NewContext(DbContextOptions<CiContext> options) => new(options);

    protected override async Task LoadAsync(CiContext context, IncidentSession session, CancellationToken ct)
    {
        // QW004 wants 10,000 rows removed by the inner Filter: the floors keep that true at small scale.
        var artifacts = session.Rows(200_000, floor: 20_000);
        var pipelines = 2 * artifacts;
        await session.LoadAsync($"pipelines ({pipelines:N0}; every one an artifact references is locked)", () => context.Database.ExecuteSqlAsync(
            $"INSERT INTO pipelines (id, locked) SELECT i, CASE WHEN i <= {artifacts} THEN 1 ELSE 0 END FROM generate_series(1, {pipelines}) i", ct)).ConfigureAwait(false);
        await session.LoadAsync($"artifacts ({artifacts:N0}, all expired)", () => context.Database.ExecuteSqlAsync(
            $"INSERT INTO artifacts (id, pipeline_id, expire_at) SELECT i, i, now() - interval '30 days' + i * interval '1 s' FROM generate_series(1, {artifacts}) i", ct)).ConfigureAwait(false);
        await session.LoadAsync("statistics (ANALYZE)", () => context.Database.ExecuteSqlRawAsync("ANALYZE pipelines; ANALYZE artifacts", ct)).ConfigureAwait(false);
    }

    protected override async Task PlayAsync(CiContext context, IncidentSession session, CancellationToken ct)
    {
        async Task<int> Expiring(CancellationToken c) => (await context.Artifacts.FromSql($"""
            SELECT a.* FROM artifacts a JOIN pipelines p ON p.id = a.pipeline_id
            WHERE p.locked = 0 AND a.expire_at < now() LIMIT 100
            """).AsNoTracking().ToListAsync(c).ConfigureAwait(false)).Count;

        await session.BadAsync(context, "the incident's query (raw SQL in the original): Artifacts.FromSql($\"SELECT a.* FROM artifacts a JOIN pipelines p ... WHERE p.locked = 0 AND a.expire_at < now() LIMIT 100\")",
            Expiring, session.StatementTimeout, ct).ConfigureAwait(false);
        session.Detail("A cancelled command is never re-run with ANALYZE: QueryWatch read the estimated plan's loop (the inner scan planned to");
        session.Detail("run once per expired artifact) and weighed it against how long the command ran before it was cancelled, far longer");
        session.Detail("than the Limit's cost predicts: the bet that unlocked pipelines turn up early was lost (QW004 and QW025, Basis Observed).");

        await session.BadAsync(context, "the same query given the time to finish (the batch job with a longer timeout)",
            Expiring, statementTimeout: null, ct).ConfigureAwait(false);

        var now = DateTime.UtcNow;
        var batch = from a in context.Artifacts
                    join p in context.Pipelines on a.PipelineId equals p.Id
                    where p.Locked == 0 && a.ExpireAt < now && a.Id >= 1 && a.Id < 1 + BatchSize
                    select a;
        await session.FixedAsync(context, $"fixed, as LINQ: one id-range batch of {BatchSize:N0} artifacts (Artifacts join Pipelines where ... a.Id >= 1 && a.Id < {1 + BatchSize})",
            async c => (await batch.AsNoTracking().ToListAsync(c).ConfigureAwait(false)).Count, ct).ConfigureAwait(false);
    }
}
