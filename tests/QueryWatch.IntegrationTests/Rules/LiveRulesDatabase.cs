using Npgsql;

namespace QueryWatch.IntegrationTests.Rules;

/// <summary>
/// One database for every live rule scenario, built once per run from generated data: the schema of
/// tests/QueryWatch.Tests/Fixtures/plans/rules/setup.sql (jobs shrunk to 50,000 rows, as its README
/// allows for CI) plus a stale/vacuumed pair of tables for the heap-fetches scenario. Autovacuum is
/// off on every table: the plan shapes depend on statistics and visibility maps staying exactly as
/// these statements leave them, whatever order the scenarios run in.
/// </summary>
public sealed class LiveRulesDatabase(PostgresFixture postgres) : IAsyncLifetime
{
    // Two independent halves, loaded on two connections at once (the machine has two cores), then
    // statistics and visibility maps settled on one. Statements run one by one: VACUUM refuses to
    // run inside the implicit transaction of a batch.
    private static readonly string[] FirstHalf =
    [
        // QW001 / QW002 / QW014: process 7's errors all sit at the far end of the element_id index.
        """
        CREATE TABLE activity (id bigint PRIMARY KEY, process_id int NOT NULL, element_id int NOT NULL, state text NOT NULL)
            WITH (autovacuum_enabled = off)
        """,
        """
        INSERT INTO activity
        SELECT i, i % 50, i,
               CASE WHEN i % 50 = 7 THEN (CASE WHEN i > 980000 THEN 'error' ELSE 'done' END)
                    WHEN i % 53 = 0 THEN 'error' ELSE 'done' END
        FROM generate_series(1, 1000000) i
        """,
        "CREATE INDEX activity_element_id ON activity (element_id)",
        "CREATE INDEX activity_process_id ON activity (process_id)",

        // QW003 / QW014: 99 of 100 queues locked; only the newest 1,000 jobs belong to the free one.
        "CREATE TABLE queues (queue_name text PRIMARY KEY, locked_at timestamptz) WITH (autovacuum_enabled = off)",
        """
        CREATE TABLE jobs (id bigint PRIMARY KEY, queue_name text, priority int NOT NULL, run_at timestamptz NOT NULL, attempts int NOT NULL)
            WITH (autovacuum_enabled = off)
        """,
        "INSERT INTO queues SELECT 'q' || i, CASE WHEN i <= 99 THEN now() END FROM generate_series(1, 100) i",
        """
        INSERT INTO jobs
        SELECT i, CASE WHEN i > 49000 THEN 'q100' ELSE 'q' || (1 + (i % 99)) END, 0, now() - interval '1 day' + i * interval '1 ms', 0
        FROM generate_series(1, 50000) i
        """,
        "CREATE INDEX jobs_priority_run_at_id ON jobs (priority, run_at, id)",

        // QW004: every pipeline an artifact points at is locked.
        "CREATE TABLE pipelines (id bigint PRIMARY KEY, locked int NOT NULL) WITH (autovacuum_enabled = off)",
        """
        CREATE TABLE artifacts (id bigint PRIMARY KEY, pipeline_id bigint NOT NULL, expire_at timestamptz NOT NULL)
            WITH (autovacuum_enabled = off)
        """,
        "INSERT INTO pipelines SELECT i, CASE WHEN i <= 200000 THEN 1 ELSE 0 END FROM generate_series(1, 400000) i",
        "INSERT INTO artifacts SELECT i, i, now() - interval '30 days' + i * interval '1 s' FROM generate_series(1, 200000) i",
        "CREATE INDEX artifacts_expire_at ON artifacts (expire_at)",
    ];

    private static readonly string[] SecondHalf =
    [
        // QW005 / QW006 / QW007 / QW012: ANALYZE sees ~1,000 queued rows, then 25,000 are queued,
        // clearing every page's all-visible bit; the summary table is the "after" shape.
        """
        CREATE TABLE exec_jobs (id bigint PRIMARY KEY, user_id int NOT NULL, state text NOT NULL,
                                created_at timestamptz NOT NULL, last_dequeue timestamptz)
            WITH (autovacuum_enabled = off)
        """,
        """
        INSERT INTO exec_jobs SELECT i, i % 5, 'completed', now() - i * interval '1 s', now() - i * interval '1 s'
        FROM generate_series(1, 350000) i
        """,
        "CREATE INDEX exec_jobs_state ON exec_jobs (state)",
        "CREATE INDEX exec_jobs_last_dequeue ON exec_jobs (user_id, last_dequeue)",
        "UPDATE exec_jobs SET state = 'queued' WHERE id % 350 = 0",
        "CREATE TABLE exec_last_dequeues (user_id int PRIMARY KEY, latest_dequeue timestamptz)",

        // QW008: NOT IN (subquery) against NOT EXISTS.
        "CREATE TABLE processes (id bigint PRIMARY KEY, name text NOT NULL) WITH (autovacuum_enabled = off)",
        "CREATE TABLE tasks (id bigint PRIMARY KEY, process_id bigint NOT NULL, state text NOT NULL) WITH (autovacuum_enabled = off)",
        "INSERT INTO processes SELECT i, 'process ' || i FROM generate_series(1, 100000) i",
        """
        INSERT INTO tasks SELECT i, 1 + (i % 100000), CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'done' END
        FROM generate_series(1, 300000) i
        """,
        "CREATE INDEX tasks_process_id_state ON tasks (process_id, state)",

        // QW009 / QW010 / QW011 / QW013: a wide-ish events table, kind = 3 on every page.
        """
        CREATE TABLE events (id bigint PRIMARY KEY, account_id int NOT NULL, kind int NOT NULL, payload text NOT NULL)
            WITH (autovacuum_enabled = off)
        """,
        "INSERT INTO events SELECT i, (i::bigint * 7919) % 50000, i % 100, md5(i::text) FROM generate_series(1, 500000) i",
        "CREATE INDEX events_kind ON events (kind)",
        "CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL) WITH (autovacuum_enabled = off)",
        "INSERT INTO accounts SELECT i, 'account ' || i FROM generate_series(0, 49999) i",

        // QW012 on its own: twin tables, both changed on every page after VACUUM ANALYZE; only the
        // second is vacuumed again. Statistics still promise an all-visible table, so the planner
        // picks an Index Only Scan on both, and the stale one visits the heap for every row.
        """
        CREATE TABLE readings (id bigint PRIMARY KEY, sensor_id int NOT NULL, taken_at timestamptz NOT NULL)
            WITH (autovacuum_enabled = off)
        """,
        "CREATE TABLE readings_vacuumed (LIKE readings INCLUDING ALL) WITH (autovacuum_enabled = off)",
        "INSERT INTO readings SELECT i, i % 100, now() - i * interval '1 s' FROM generate_series(1, 100000) i",
        "INSERT INTO readings_vacuumed SELECT * FROM readings",
        "CREATE INDEX readings_sensor_id_taken_at ON readings (sensor_id, taken_at)",
        "CREATE INDEX readings_vacuumed_sensor_id_taken_at ON readings_vacuumed (sensor_id, taken_at)",
    ];

    // Run alone, once both halves are loaded: VACUUM marks a page all-visible only when no
    // transaction still running in this database could miss one of its rows, so a load running
    // beside it would leave the visibility map (and relallvisible, which decides whether the
    // planner picks an Index Only Scan) half empty from one run to the next.
    private static readonly string[] Settle =
    [
        "ANALYZE activity",
        "ANALYZE queues",
        "ANALYZE jobs",
        "ANALYZE pipelines",
        "ANALYZE artifacts",
        "VACUUM ANALYZE exec_jobs",
        // 25,000 rows queued after the last ANALYZE (statistics say ~1,000), touching every page
        "UPDATE exec_jobs SET state = 'queued' WHERE id % 14 = 0",
        "INSERT INTO exec_last_dequeues SELECT user_id, max(last_dequeue) FROM exec_jobs GROUP BY user_id",
        "ANALYZE exec_last_dequeues",
        "ANALYZE processes",
        "ANALYZE tasks",
        "VACUUM ANALYZE events",
        "VACUUM ANALYZE accounts",
        "VACUUM ANALYZE readings",
        "VACUUM ANALYZE readings_vacuumed",
        "UPDATE readings SET taken_at = taken_at WHERE id % 20 = 0",
        "UPDATE readings_vacuumed SET taken_at = taken_at WHERE id % 20 = 0",
        "VACUUM readings_vacuumed",
    ];

    private string? _connectionString;

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("Not built yet.");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _connectionString = await postgres.CreateDatabaseAsync("live_rules", ct);
        await BuildAsync(_connectionString, ct);
    }

    /// <summary>Fills the empty database at <paramref name="connectionString"/> (also on the other servers of <see cref="PostgresVersions"/>).</summary>
    public static async Task BuildAsync(string connectionString, CancellationToken ct)
    {
        await Task.WhenAll(RunAsync(connectionString, FirstHalf, ct), RunAsync(connectionString, SecondHalf, ct));
        await RunAsync(connectionString, Settle, ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static async Task RunAsync(string connectionString, string[] statements, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        // The throwaway cluster commits asynchronously. VACUUM marks a page all-visible only once
        // its rows carry the "committed" hint bit, which may not be set before the commit record is
        // flushed (SetHintBits in heapam_visibility.c), so a VACUUM right after a load left pages
        // out of the visibility map at random (231 of 637 pages in one run under the full suite).
        await using (var durable = new NpgsqlCommand("SET synchronous_commit = on", connection))
            await durable.ExecuteNonQueryAsync(ct);
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 120 };
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
