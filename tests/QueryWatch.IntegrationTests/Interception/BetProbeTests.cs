using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;
using QueryWatch.Plans;
using QueryWatch.Rules;
using QueryWatch.Sql;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>
/// Issue #11 part 4 on real PostgreSQL: a finding that rests on a bet over one table is measured by one
/// bounded, read-only probe at default options; a probe is cut at ProbeTimeout, never runs for a statement
/// that writes, locks or calls a function, and not at all with Probes off.
/// </summary>
public sealed class BetProbeTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // 200,000 events in created_at order; status 7 (1% of the rows, so the planner bets on meeting it
    // early) only on the newest 2,000: walking created_at from the start reads 198,000 rows to find one.
    private const string Events = """
        CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, status int NOT NULL, note text);
        INSERT INTO events SELECT i, timestamptz '2024-01-01' + i * interval '1 s', CASE WHEN i > 198000 THEN 7 ELSE i % 7 END, NULL
        FROM generate_series(1, 200000) i;
        CREATE INDEX events_created_at ON events (created_at);
        ALTER TABLE events SET (parallel_workers = 0);
        ANALYZE events;
        """;

    private static async Task<WatchedDatabase> CreateAsync(PostgresFixture postgres, string name, Action<QueryWatchOptions>? configure = null)
    {
        var db = await WatchedDatabase.CreateAsync(postgres, name, o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1); // everything else at its default: no ANALYZE, probes on
            configure?.Invoke(o);
        });
        await db.ExecuteAsync(Events);
        return db;
    }

    [Fact]
    public async Task Limit_walking_an_index_whose_filter_never_passes_early_is_reported_with_the_probed_count()
    {
        await using var db = await CreateAsync(postgres, "qw_probe_walk");
        await using var context = db.NewContext();

        var ids = await context.Database.SqlQueryRaw<long>("SELECT id AS \"Value\" FROM events WHERE status = {0} ORDER BY created_at LIMIT 10", 7).ToListAsync(Ct);

        Assert.Equal(10, ids.Count);
        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW014");
        TestContext.Current.TestOutputHelper?.WriteLine(finding.Message);
        Assert.Equal("Probed", finding.GetStructuredStateValue("Basis"));
        var probe = await db.WaitForAsync(QueryWatchEventId.ProbeMeasured);
        TestContext.Current.TestOutputHelper?.WriteLine(probe.Message);
        Assert.Equal("QW014", probe.GetStructuredStateValue("RuleId"));
        Assert.Equal("0", probe.GetStructuredStateValue("Passed"));
        Assert.Equal("10000", probe.GetStructuredStateValue("Read"));
        // The probe's text holds the plan's literal; the log has it only normalized.
        Assert.DoesNotContain("= 7", probe.GetStructuredStateValue("ProbeSql"));
    }

    [Fact]
    public async Task Probe_over_a_slow_condition_is_cut_at_probe_timeout_and_the_finding_is_reported_unmeasured()
    {
        await using var db = await CreateAsync(postgres, "qw_probe_slow");
        // An operator that is slow only on QueryWatch's own connection: the application's query is quick,
        // the probe's 10,000 evaluations would take 500 s.
        await db.ExecuteAsync("""
            CREATE FUNCTION slow_int_eq(a int, b int) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
            BEGIN
                IF current_setting('application_name') = 'QueryWatch explain' THEN PERFORM pg_sleep(0.05); END IF;
                RETURN a = b;
            END $$;
            CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = slow_int_eq);
            """);
        using var probes = new ProbeCounter();
        await using var context = db.NewContext();

        await context.Database.SqlQueryRaw<long>("SELECT id AS \"Value\" FROM events WHERE status === 7 ORDER BY created_at LIMIT 10").ToListAsync(Ct);

        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW014");
        // Unmeasured: on the plan's estimates, or on the command's duration when it ran far longer than its plan predicts (#11).
        Assert.Contains(finding.GetStructuredStateValue("Basis"), new[] { "Estimated", "Observed" });
        var cut = await db.WaitForAsync(QueryWatchEventId.ProbeTimedOut);
        Assert.Equal("500", cut.GetStructuredStateValue("ProbeTimeoutMs"));
        Assert.Empty(db.Events(QueryWatchEventId.ProbeMeasured));
        Assert.True(probes.Count("timed_out") >= 1);
    }

    [Fact]
    public async Task Condition_calling_a_function_is_never_probed_and_the_function_never_runs_for_it()
    {
        await using var db = await CreateAsync(postgres, "qw_probe_function");
        // A volatile function with a side effect the test can see: every call advances a sequence.
        await db.ExecuteAsync("""
            CREATE SEQUENCE calls;
            CREATE FUNCTION counted(v int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('calls'); RETURN v; END $$;
            """);
        using var probes = new ProbeCounter();
        await using var context = db.NewContext();

        await context.Database.SqlQueryRaw<long>("SELECT id AS \"Value\" FROM events WHERE counted(status) = 7 ORDER BY created_at LIMIT 10").ToListAsync(Ct);
        var callsByTheApplication = await db.ScalarAsync<long>("SELECT last_value FROM calls");

        await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW014");
        var skipped = await db.WaitForAsync(QueryWatchEventId.ProbeSkipped);
        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("function_call", skipped.GetStructuredStateValue("Reason"));
        Assert.Empty(db.Events(QueryWatchEventId.ProbeMeasured));
        Assert.Equal(callsByTheApplication, await db.ScalarAsync<long>("SELECT last_value FROM calls"));
        Assert.True(probes.Count("skipped", "function_call") >= 1);
    }

    [Fact]
    public async Task Operator_backed_by_a_volatile_function_is_never_probed()
    {
        await using var db = await CreateAsync(postgres, "qw_probe_operator");
        await db.ExecuteAsync("""
            CREATE SEQUENCE calls;
            CREATE FUNCTION counted_eq(a int, b int) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('calls'); RETURN a = b; END $$;
            CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = counted_eq);
            """);
        await using var context = db.NewContext();

        await context.Database.SqlQueryRaw<long>("SELECT id AS \"Value\" FROM events WHERE status === 7 ORDER BY created_at LIMIT 10").ToListAsync(Ct);
        var callsByTheApplication = await db.ScalarAsync<long>("SELECT last_value FROM calls");

        var skipped = await db.WaitForAsync(QueryWatchEventId.ProbeSkipped);
        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("volatile_operator", skipped.GetStructuredStateValue("Reason"));
        Assert.Empty(db.Events(QueryWatchEventId.ProbeMeasured));
        Assert.Equal(callsByTheApplication, await db.ScalarAsync<long>("SELECT last_value FROM calls"));
    }

    [Theory]
    [InlineData("UPDATE events SET note = 'touched' WHERE id IN (SELECT id FROM events WHERE status = 7 ORDER BY created_at LIMIT 10)", "not_read_only")]
    [InlineData("SELECT id FROM events WHERE status = 7 ORDER BY created_at LIMIT 10 FOR UPDATE", "locking")]
    public async Task Statement_that_writes_or_locks_is_never_probed(string sql, string reason)
    {
        await using var db = await CreateAsync(postgres, "qw_probe_write");
        await using var context = db.NewContext();

        await using (var transaction = await context.Database.BeginTransactionAsync(Ct))
        {
            await context.Database.ExecuteSqlRawAsync(sql, Ct);
            await transaction.RollbackAsync(Ct);
        }

        await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW014");
        var skipped = await db.WaitForAsync(QueryWatchEventId.ProbeSkipped);
        Assert.Equal(reason, skipped.GetStructuredStateValue("Reason"));
        Assert.Empty(db.Events(QueryWatchEventId.ProbeMeasured));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM events WHERE note IS NOT NULL"));
    }

    [Fact]
    public async Task Probes_off_sends_no_probe()
    {
        await using var db = await CreateAsync(postgres, "qw_probe_off", o => o.Probes = false);
        await using var context = db.NewContext();

        await context.Database.SqlQueryRaw<long>("SELECT id AS \"Value\" FROM events WHERE status = {0} ORDER BY created_at LIMIT 10", 7).ToListAsync(Ct);

        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW014");
        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        // Unmeasured: on the plan's estimates, or on the command's duration when it ran far longer than its plan predicts (#11).
        Assert.Contains(finding.GetStructuredStateValue("Basis"), new[] { "Estimated", "Observed" });
        Assert.Empty(db.Events(QueryWatchEventId.ProbeMeasured));
        Assert.Empty(db.Events(QueryWatchEventId.ProbeSkipped));
        Assert.Empty(db.Events(QueryWatchEventId.ProbeTimedOut));
    }

    [Fact]
    public async Task Nested_loop_probe_counts_the_first_outer_rows_that_find_an_inner_row_passing_its_filter()
    {
        // Seed 003's shape: every pipeline an artifact points at is locked.
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_probe_loop", o => { });
        await db.ExecuteAsync("""
            CREATE TABLE pipelines (id bigint PRIMARY KEY, locked int NOT NULL);
            CREATE TABLE artifacts (id bigint PRIMARY KEY, pipeline_id bigint NOT NULL, expire_at timestamptz NOT NULL);
            INSERT INTO pipelines SELECT i, CASE WHEN i <= 200000 THEN 1 ELSE 0 END FROM generate_series(1, 400000) i;
            INSERT INTO artifacts SELECT i, i, timestamptz '2024-01-01' + i * interval '1 s' FROM generate_series(1, 200000) i;
            CREATE INDEX artifacts_expire_at ON artifacts (expire_at);
            ANALYZE pipelines; ANALYZE artifacts;
            """);
        var sql = "SELECT a.* FROM artifacts a JOIN pipelines p ON p.id = a.pipeline_id WHERE p.locked = 0 AND a.expire_at < '2030-01-01' ORDER BY a.expire_at LIMIT 100";
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        string json;
        await using (var explain = dataSource.CreateCommand("EXPLAIN (FORMAT JSON, VERBOSE) " + sql))
        {
            json = (string)(await explain.ExecuteScalarAsync(Ct))!;
        }

        var plan = JsonPlanParser.Parse(json);
        var inner = plan.Nodes.Single(n => n.RelationName == "pipelines");
        Finding finding = new("QW004", "nested-loop-inner-discard", RuleSeverity.Warning, inner, PlanPath.Of(inner), "m", "s", [], 1, FindingBasis.Estimated);
        var command = new CapturedCommand(sql, [], CommandOutcome.Cancelled, TimeSpan.FromSeconds(2), null, null, default, DateTimeOffset.UtcNow, null);
        var probes = new BetProbes(dataSource, new QueryWatchOptions(), NullLogger.Instance);

        var measured = Assert.Single(await probes.MeasureAsync([finding], plan, SqlStatementSplitter.Split(sql)[0], command, SqlFingerprint.Compute(sql), Ct));

        Assert.Equal(FindingBasis.Probed, measured.Basis);
        Assert.Contains(new KeyValuePair<string, string>("probedRowsRead", "10000"), measured.Evidence);
        Assert.Contains(new KeyValuePair<string, string>("probedRowsPassed", "0"), measured.Evidence);
        Assert.Contains(new KeyValuePair<string, string>("probedOrder", "artifacts_expire_at"), measured.Evidence);
    }

    /// <summary>Counts <c>querywatch.probes</c> measurements by result and reason while it lives.</summary>
    private sealed class ProbeCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Result, string? Reason)> _seen = new();

        public ProbeCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == QueryWatchMetrics.MeterName && instrument.Name == "querywatch.probes") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                string? result = null, reason = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "result") result = tag.Value as string;
                    if (tag.Key == "reason") reason = tag.Value as string;
                }

                _seen.Enqueue((result ?? "", reason));
            });
            _listener.Start();
        }

        public int Count(string result, string? reason = null) => _seen.Count(s => s.Result == result && (reason is null || s.Reason == reason));

        public void Dispose() => _listener.Dispose();
    }
}
