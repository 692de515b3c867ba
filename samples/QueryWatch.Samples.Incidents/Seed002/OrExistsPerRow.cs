using Microsoft.EntityFrameworkCore;
using QueryWatch.Samples.Incidents.Running;

namespace QueryWatch.Samples.Incidents.Seed002;

/// <summary>
/// Seed 002 (graphile-worker): "queue_name IS NULL OR EXISTS (... FOR UPDATE SKIP LOCKED)" under
/// ORDER BY priority, run_at, id LIMIT 1. The index walk runs the EXISTS once per job of every locked queue.
/// </summary>
internal sealed class OrExistsPerRow : Incident<WorkerContext>
{
    public override int Number => 2;

    public override string Title => "graphile-worker: queue_name IS NULL OR EXISTS (... FOR UPDATE SKIP LOCKED) under ORDER BY ... LIMIT 1 ran the correlated SubPlan 79,993 times to return one job; 149 ms vs 0.14 ms";

    public override string Fix => "turn the per-row EXISTS into a join: drive from the unlocked queues, one index probe each (LATERAL ... LIMIT 1 over an index on (queue_name, priority, run_at, id))";

    public override IReadOnlyList<string> ExpectedRules => ["QW003"];

    protected override WorkerContext NewContext(DbContextOptions<WorkerContext> options) => new(options);

    protected override async Task LoadAsync(WorkerContext context, IncidentSession session, CancellationToken ct)
    {
        var rows = session.Rows(200_000, floor: 10_000);
        // Only the newest 0.5% of jobs belong to the one unlocked queue: the walk in run_at order reaches them last.
        var freeFrom = (int)(rows * 0.995);
        await session.LoadAsync("queues (100, of which 99 locked)", () => context.Database.ExecuteSqlRawAsync(
            "INSERT INTO queues (queue_name, locked_at) SELECT 'q' || i, CASE WHEN i <= 99 THEN now() END FROM generate_series(1, 100) i", ct)).ConfigureAwait(false);
        await session.LoadAsync($"jobs ({rows:N0}; the free queue's jobs are the newest)", () => context.Database.ExecuteSqlAsync($"""
            INSERT INTO jobs (id, queue_name, priority, run_at, attempts)
            SELECT i, CASE WHEN i > {freeFrom} THEN 'q100' ELSE 'q' || (1 + (i % 99)) END, 0, now() - interval '1 day' + i * interval '1 ms', 0
            FROM generate_series(1, {rows}) i
            """, ct)).ConfigureAwait(false);
        await session.LoadAsync("statistics (ANALYZE)", () => context.Database.ExecuteSqlRawAsync("ANALYZE queues; ANALYZE jobs", ct)).ConfigureAwait(false);
    }

    protected override async Task PlayAsync(WorkerContext context, IncidentSession session, CancellationToken ct)
    {
        async Task<int> NextJob(CancellationToken c) => (await context.Jobs.FromSql($"""
                SELECT * FROM jobs
                WHERE run_at <= now() AND attempts < 5
                  AND (queue_name IS NULL OR EXISTS (
                        SELECT 1 FROM queues q
                        WHERE q.queue_name = jobs.queue_name AND (q.locked_at IS NULL OR q.locked_at < now() - interval '4 hours')
                        FOR UPDATE SKIP LOCKED))
                ORDER BY priority, run_at, id LIMIT 1
                """).AsNoTracking().ToListAsync(c).ConfigureAwait(false)).Count;
        await session.BadAsync(context, "the incident's query (raw SQL in the original): Jobs.FromSql($\"... (queue_name IS NULL OR EXISTS (... FOR UPDATE SKIP LOCKED)) ORDER BY priority, run_at, id LIMIT 1\")", NextJob, session.StatementTimeout, ct).ConfigureAwait(false);
        await session.BadAsync(context, "the same query given the time to finish", NextJob, statementTimeout: null, ct).ConfigureAwait(false);

        await session.LoadAsync("the fix's index: CREATE INDEX jobs_queue_name_priority ON jobs (queue_name, priority, run_at, id)",
            () => context.Database.ExecuteSqlRawAsync("CREATE INDEX jobs_queue_name_priority ON jobs (queue_name, priority, run_at, id)", ct)).ConfigureAwait(false);
        await session.FixedAsync(context, "fixed: Jobs.FromSql($\"SELECT j.* FROM queues q CROSS JOIN LATERAL (SELECT ... WHERE jobs.queue_name = q.queue_name ... LIMIT 1) j ...\")",
            async c => (await context.Jobs.FromSql($"""
                SELECT j.* FROM queues q
                CROSS JOIN LATERAL (
                    SELECT * FROM jobs
                    WHERE jobs.queue_name = q.queue_name AND run_at <= now() AND attempts < 5
                    ORDER BY priority, run_at, id LIMIT 1) j
                WHERE q.locked_at IS NULL OR q.locked_at < now() - interval '4 hours'
                ORDER BY j.priority, j.run_at, j.id LIMIT 1
                """).AsNoTracking().ToListAsync(c).ConfigureAwait(false)).Count, ct).ConfigureAwait(false);
    }
}
