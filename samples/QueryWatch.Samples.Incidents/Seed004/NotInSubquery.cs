using Microsoft.EntityFrameworkCore;
using QueryWatch.Samples.Incidents.Running;

namespace QueryWatch.Samples.Incidents.Seed004;

/// <summary>
/// Seed 004 (Arkindex): "processes with no failed task" written as a negated IN over a subquery. Unless the
/// subquery's result fits in work_mem as a hash, PostgreSQL runs NOT (SubPlan) and rescans it per process;
/// NOT EXISTS becomes an Anti Join.
/// </summary>
internal sealed class NotInSubquery : Incident<ProcessesContext>
{
    private const string Failed = "failed";

    public override int Number => 4;

    public override string Title => "Arkindex (Django): \"has a task in state X and none of a higher-priority state\" was only fast as a NOT EXISTS (Nested Loop Anti Join), and the ORM did not always emit one";

    public override string Fix => "write the negation so it becomes NOT EXISTS -> Anti Join (in LINQ: !Tasks.Any(t => t.ProcessId == p.Id && ...))";

    public override IReadOnlyList<string> ExpectedRules => ["QW008"];

    public override IReadOnlyList<KeyValuePair<string, string>> DatabaseSettings =>
        [.. base.DatabaseSettings, new("work_mem", "64kB"), new("jit", "off")];

    public override string SteeringNote => "work_mem = 64kB so the NOT IN list does not fit in memory as a hash (production's list was far larger than its work_mem); jit = off keeps compile time out of the timings";

    protected override ProcessesContext NewContext(DbContextOptions<ProcessesContext> options) => new(options);

    protected override async Task LoadAsync(ProcessesContext context, IncidentSession session, CancellationToken ct)
    {
        var processes = session.Rows(100_000, floor: 5_000);
        await session.LoadAsync($"processes ({processes:N0})", () => context.Database.ExecuteSqlAsync(
            $"INSERT INTO processes (id, name) SELECT i, 'process ' || i FROM generate_series(1, {processes}) i", ct)).ConfigureAwait(false);
        await session.LoadAsync($"tasks ({3 * processes:N0}, one in three failed)", () => context.Database.ExecuteSqlAsync($"""
            INSERT INTO tasks (id, process_id, state)
            SELECT i, 1 + (i % {processes}), CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'done' END FROM generate_series(1, {3 * processes}) i
            """, ct)).ConfigureAwait(false);
        await session.LoadAsync("statistics (ANALYZE)", () => context.Database.ExecuteSqlRawAsync("ANALYZE processes; ANALYZE tasks", ct)).ConfigureAwait(false);
    }

    protected override async Task PlayAsync(ProcessesContext context, IncidentSession session, CancellationToken ct)
    {
        // The work grows with processes x failed tasks: bounded so the bad query stays under a second at any
        // scale. 5,000 failed tasks' ids are more than a 64kB hash holds, so the NOT IN cannot be hashed.
        var maxProcess = (long)Math.Max(1_000, Math.Round(2_000 * Math.Sqrt(Math.Min(1, session.Scale))));
        const long maxFailedOf = 5_000;

        var failedProcessIds = context.Tasks.Where(t => t.State == Failed && t.ProcessId <= maxFailedOf).Select(t => t.ProcessId);
        var withoutFailures = context.Processes.Where(p => p.Id <= maxProcess && !failedProcessIds.Contains(p.Id)).Select(p => p.Id);
        await session.BadAsync(context, "as LINQ: Processes.Where(p => p.Id <= n && !failedProcessIds.Contains(p.Id))",
            async c => (await withoutFailures.ToListAsync(c).ConfigureAwait(false)).Count, session.StatementTimeout, ct, showSql: true).ConfigureAwait(false);
        await session.BadAsync(context, "the same query given the time to finish",
            async c => (await withoutFailures.ToListAsync(c).ConfigureAwait(false)).Count, statementTimeout: null, ct).ConfigureAwait(false);

        var fixedQuery = context.Processes.Where(p => p.Id <= maxProcess && !context.Tasks.Any(t => t.ProcessId == p.Id && t.State == Failed)).Select(p => p.Id);
        await session.FixedAsync(context, "fixed, as LINQ: Processes.Where(p => p.Id <= n && !Tasks.Any(t => t.ProcessId == p.Id && t.State == \"failed\"))",
            async c => (await fixedQuery.ToListAsync(c).ConfigureAwait(false)).Count, ct, [new("work_mem", "4MB")], showSql: true).ConfigureAwait(false);
    }
}
