using Microsoft.EntityFrameworkCore;
using QueryWatch.Samples.Incidents.Running;

namespace QueryWatch.Samples.Incidents.Seed001;

/// <summary>
/// Seed 001 (Sourcegraph): picking the next queued job recomputed "latest dequeue per user" with a
/// GroupAggregate over the whole job table, under statistics taken before most jobs were queued.
/// </summary>
internal sealed class LatestDequeuePerUser : Incident<ExecutorContext>
{
    private const string Queued = "queued";

    public override int Number => 1;

    public override string Title => "Sourcegraph: picking the next queued job aggregated a 351,240-row index to 5 rows per query, joined through a Nested Loop whose Join Filter removed 97,448 rows; estimates 326 vs actual 24,360";

    public override string Fix => "a small trigger-maintained table of the last dequeue per user (exec_last_dequeues): a Hash Join on a handful of rows, 188 ms -> 75 ms";

    public override IReadOnlyList<string> ExpectedRules => ["QW005"];

    public override IReadOnlyList<KeyValuePair<string, string>> DatabaseSettings =>
    [
        .. base.DatabaseSettings,
        new("enable_hashagg", "off"), new("enable_hashjoin", "off"), new("enable_mergejoin", "off"),
    ];

    public override string SteeringNote => "planner steered with enable_hashagg, enable_hashjoin, enable_mergejoin = off to reproduce production's shape (GroupAggregate, Nested Loop + Join Filter): on a table this size PostgreSQL 15 picks hashing";

    private static readonly KeyValuePair<string, string>[] s_defaults = [new("enable_hashagg", "on"), new("enable_hashjoin", "on"), new("enable_mergejoin", "on")];

    protected override ExecutorContext NewContext(DbContextOptions<ExecutorContext> options) => new(options);

    protected override async Task LoadAsync(ExecutorContext context, IncidentSession session, CancellationToken ct)
    {
        // QW005 speaks up when an aggregate reads at least 100,000 rows: the floor keeps that true at small scale.
        var rows = session.Rows(350_000, floor: 150_000);
        await session.LoadAsync($"exec_jobs ({rows:N0} completed jobs of 5 users, 1 in 350 queued)", async () =>
        {
            await context.Database.ExecuteSqlAsync($"""
                INSERT INTO exec_jobs (id, user_id, state, created_at, last_dequeue)
                SELECT i, i % 5, 'completed', now() - i * interval '1 s', now() - i * interval '1 s' FROM generate_series(1, {rows}) i
                """, ct).ConfigureAwait(false);
            await context.Database.ExecuteSqlRawAsync("UPDATE exec_jobs SET state = 'queued' WHERE id % 350 = 0", ct).ConfigureAwait(false);
            await context.Database.ExecuteSqlRawAsync("VACUUM ANALYZE exec_jobs", ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        // Production's statistics were as stale: ANALYZE saw few queued jobs, the queue then filled up
        // (and the new row versions left the visibility map behind: heap fetches on the index-only scan).
        await session.LoadAsync("1 in 14 jobs queued after the last ANALYZE (stale statistics, on purpose)",
            () => context.Database.ExecuteSqlRawAsync("UPDATE exec_jobs SET state = 'queued' WHERE id % 14 = 0", ct)).ConfigureAwait(false);
        await session.LoadAsync("exec_last_dequeues (the fix's summary table)", async () =>
        {
            await context.Database.ExecuteSqlRawAsync(
                "INSERT INTO exec_last_dequeues (user_id, latest_dequeue) SELECT user_id, max(last_dequeue) FROM exec_jobs GROUP BY user_id", ct).ConfigureAwait(false);
            await context.Database.ExecuteSqlRawAsync("ANALYZE exec_last_dequeues", ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    protected override async Task PlayAsync(ExecutorContext context, IncidentSession session, CancellationToken ct)
    {
        async Task<int> Latest(CancellationToken c) => (await context.Jobs.FromSql($"""
                SELECT j.* FROM exec_jobs j
                JOIN (SELECT user_id, max(last_dequeue) AS latest FROM exec_jobs GROUP BY user_id) q ON j.user_id = q.user_id
                WHERE j.state = {Queued} ORDER BY q.latest, j.created_at LIMIT 1
                """).AsNoTracking().ToListAsync(c).ConfigureAwait(false)).Count;
        await session.BadAsync(context, "the incident's query (raw SQL in the original): Jobs.FromSql($\"SELECT j.* ... JOIN (SELECT user_id, max(last_dequeue) ... GROUP BY user_id) q ...\")", Latest, session.StatementTimeout, ct).ConfigureAwait(false);
        await session.BadAsync(context, "the same query given the time to finish", Latest, statementTimeout: null, ct).ConfigureAwait(false);

        var next = from j in context.Jobs
                   join d in context.LastDequeues on j.UserId equals d.UserId
                   where j.State == Queued
                   orderby d.LatestDequeue, j.CreatedAt
                   select j;
        await session.FixedAsync(context, "fixed, as LINQ: Jobs join LastDequeues ... .Take(1), default planner settings",
            async c => (await next.Take(1).AsNoTracking().ToListAsync(c).ConfigureAwait(false)).Count, ct, s_defaults).ConfigureAwait(false);
    }
}
