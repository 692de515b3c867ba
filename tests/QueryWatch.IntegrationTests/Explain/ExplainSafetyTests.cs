using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;
using QueryWatch.IntegrationTests.Interception;

namespace QueryWatch.IntegrationTests.Explain;

/// <summary>Issue #16 parts 2 and 4, issue #11 part 6: what an explain may do, and how long it may hang.</summary>
public sealed class ExplainSafetyTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Action<QueryWatchOptions> Analyzing => o =>
    {
        // Every command counts as slow, so no slow statement is needed to be captured.
        o.SlowCommandThreshold = TimeSpan.FromTicks(1);
        o.ExplainAnalyze = true;
    };

    /// <summary>True when another session can take advisory lock <paramref name="key"/> within a short lock_timeout.</summary>
    private static async Task<bool> CanLockAsync(WatchedDatabase db, long key)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand($"SET lock_timeout = '500ms'; SELECT pg_advisory_lock({key}); SELECT pg_advisory_unlock({key});", connection);
        try
        {
            await command.ExecuteNonQueryAsync(Ct);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return false;
        }
    }

    private static Task<long?> AdvisoryLocksHeldByQueryWatchAsync(WatchedDatabase db) => db.ScalarAsync<long?>("""
        SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND a.application_name = 'QueryWatch explain'
        """);

    [Fact]
    public async Task Advisory_lock_select_is_explained_without_analyze_and_leaves_no_lock()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_advisory", Analyzing);
        await using var context = db.NewContext();
        await context.Database.OpenConnectionAsync(Ct);

        await context.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(4242)", Ct);
        await context.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(4242)", Ct);

        var skipped = await db.WaitForAsync(QueryWatchEventId.ExplainAnalyzeSkippedForVolatileFunctions);
        Assert.Contains("pg_advisory_lock", skipped.GetStructuredStateValue("VolatileFunctions"), StringComparison.Ordinal);
        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("False", explained.GetStructuredStateValue("Analyze"));
        Assert.Equal(0, await AdvisoryLocksHeldByQueryWatchAsync(db));
        Assert.True(await CanLockAsync(db, 4242));
    }

    [Fact]
    public async Task Function_that_hides_an_advisory_lock_behind_stable_is_analyzed_and_the_session_reset_releases_it()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_liar", Analyzing);
        await db.ExecuteAsync("""
            -- Declared STABLE, yet takes a session lock (in QueryWatch's session only, so the app's
            -- own call cannot block the worker's ANALYZE of it).
            CREATE FUNCTION lock_quietly(k bigint) RETURNS int STABLE LANGUAGE plpgsql AS $$
            BEGIN
                IF current_setting('application_name') = 'QueryWatch explain' THEN
                    PERFORM pg_advisory_lock(k);
                END IF;
                RETURN 1;
            END $$;
            """);
        await using var context = db.NewContext();

        await context.Database.ExecuteSqlRawAsync("SELECT lock_quietly(4343)", Ct);

        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("True", explained.GetStructuredStateValue("Analyze"));
        Assert.Equal(0, await AdvisoryLocksHeldByQueryWatchAsync(db));
        Assert.True(await CanLockAsync(db, 4343));
    }

    [Fact]
    public async Task Dblink_write_in_a_select_is_not_run_again_by_analyze()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_dblink", Analyzing);
        await db.ExecuteAsync("CREATE EXTENSION dblink; CREATE TABLE written (n int NOT NULL);");
        var target = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        var libpq = $"host={target.Host} port={target.Port} dbname={target.Database} user={target.Username}";
        await using var context = db.NewContext();

        var write = "SELECT dblink_exec('" + libpq + "', 'INSERT INTO written VALUES (1)')";
        await context.Database.ExecuteSqlRawAsync(write, Ct);

        var skipped = await db.WaitForAsync(QueryWatchEventId.ExplainAnalyzeSkippedForVolatileFunctions);
        Assert.Contains("dblink_exec", skipped.GetStructuredStateValue("VolatileFunctions"), StringComparison.Ordinal);
        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM written"));
    }

    [Fact]
    public async Task Sequence_advanced_through_a_view_is_not_advanced_again_by_analyze()
    {
        // nextval is refused by READ ONLY on its own; inside a view the text shows no function at all.
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_view_nextval", Analyzing);
        await db.ExecuteAsync("CREATE SEQUENCE ticket; CREATE VIEW next_ticket AS SELECT nextval('ticket') AS n;");
        await using var context = db.NewContext();

        await context.Database.ExecuteSqlRawAsync("SELECT n FROM next_ticket", Ct);

        var skipped = await db.WaitForAsync(QueryWatchEventId.ExplainAnalyzeSkippedForVolatileFunctions);
        Assert.Contains("nextval", skipped.GetStructuredStateValue("VolatileFunctions"), StringComparison.Ordinal);
        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT last_value FROM ticket"));
    }

    [Fact]
    public async Task Plain_read_is_still_analyzed()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_plain_read", Analyzing);
        await using var context = db.NewContext();

        await context.Database.ExecuteSqlRawAsync("SELECT count(*), lower(max(name)) FROM items WHERE id > 3", Ct);

        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("True", explained.GetStructuredStateValue("Analyze"));
        Assert.Empty(db.Events(QueryWatchEventId.ExplainAnalyzeSkippedForVolatileFunctions));
    }

    [Fact]
    public async Task Parameter_that_cannot_be_bound_again_is_explained_as_a_generic_plan()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_unbound", o => o.SlowCommandThreshold = TimeSpan.FromTicks(1));
        await using var context = db.NewContext();
        var stream = new MemoryStream([1, 2, 3]);

        await context.Database.ExecuteSqlRawAsync("SELECT count(*) FROM items WHERE name = @n AND length(@p) > 0",
            [new NpgsqlParameter("n", "item 7"), new NpgsqlParameter("p", NpgsqlDbType.Bytea) { Value = stream }], Ct);

        var generic = await db.WaitForAsync(QueryWatchEventId.ExplainGenericPlan);
        Assert.Equal("1", generic.GetStructuredStateValue("UnboundCount"));
        // The server's own version (QUERYWATCH_PG_BINDIR may name any major).
        Assert.StartsWith(postgres.Server.ServerVersion.Major + ".", generic.GetStructuredStateValue("ServerVersion"), StringComparison.Ordinal);
        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("False", explained.GetStructuredStateValue("Analyze"));
        Assert.Empty(db.Events(QueryWatchEventId.ExplainFailed));
        Assert.Empty(db.Events(QueryWatchEventId.ExplainParametersUnbound));
    }

    /// <summary>A database whose worker explains through <paramref name="proxy"/>, with <paramref name="appSettings"/> in the string it copies.</summary>
    private async Task<WatchedDatabase> StallableAsync(StallingProxy proxy, string appSettings, TimeSpan statementTimeout)
    {
        var explainAt = new NpgsqlConnectionStringBuilder(postgres.ConnectionString + appSettings) { Host = "127.0.0.1", Port = proxy.Port };
        var db = await WatchedDatabase.CreateAsync(postgres, "qw_stall", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainCooldown = TimeSpan.Zero;
            o.ExplainStatementTimeout = statementTimeout;
            o.ExplainConnectionString = explainAt.ConnectionString;
        });
        explainAt.Database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database;
        return db;
    }

    private StallingProxy NewProxy()
    {
        var cluster = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        return new StallingProxy(cluster.Host!, cluster.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData(";Command Timeout=0;Cancellation Timeout=0;Timeout=0")]
    public async Task Stalled_explain_connection_warns_within_the_workers_own_timeout(string appSettings)
    {
        await using var proxy = NewProxy();
        var statementTimeout = TimeSpan.FromSeconds(1);
        await using var db = await StallableAsync(proxy, appSettings, statementTimeout);
        await using var context = db.NewContext();
        await context.Items.CountAsync(Ct);
        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);

        proxy.Stall();
        var stalledAt = Stopwatch.GetTimestamp();
        await context.Items.Where(i => i.Id > 5).CountAsync(Ct);

        var bound = ExplainConnectionSettings.StallBound(statementTimeout) + TimeSpan.FromSeconds(2);
        await db.WaitForAsync(QueryWatchEventId.ExplainUnavailable, timeout: bound + TimeSpan.FromSeconds(10));
        Assert.True(Stopwatch.GetElapsedTime(stalledAt) < bound, $"warned after {Stopwatch.GetElapsedTime(stalledAt)}");
    }

    [Theory]
    [InlineData("")]
    [InlineData(";Command Timeout=0;Cancellation Timeout=0;Timeout=0")]
    public async Task Stopping_returns_within_its_bound_while_an_explain_hangs(string appSettings)
    {
        await using var proxy = NewProxy();
        await using var db = await StallableAsync(proxy, appSettings, TimeSpan.FromSeconds(1));
        await using var context = db.NewContext();
        await context.Items.CountAsync(Ct);
        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        var pipeline = Assert.IsType<ExplainPipeline>(db.Pipeline);

        proxy.Stall();
        await context.Items.Where(i => i.Id > 5).CountAsync(Ct);
        await Task.Delay(1000, Ct);
        Assert.Empty(db.Events(QueryWatchEventId.ExplainUnavailable)); // still inside the stalled call

        // Measured: Npgsql's cancellation of the hung call itself goes through the stalled path and
        // takes up to twice the connect timeout, so it is the stop bound that returns (event 2013).
        var stopping = Stopwatch.GetTimestamp();
        await pipeline.StopAsync(Ct);
        Assert.True(Stopwatch.GetElapsedTime(stopping) < ExplainConnectionSettings.StopTimeout + TimeSpan.FromSeconds(1),
            $"stop took {Stopwatch.GetElapsedTime(stopping)}");
    }
}
