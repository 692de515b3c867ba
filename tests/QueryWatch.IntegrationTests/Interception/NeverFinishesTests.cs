using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using QueryWatch.Diagnostics;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>
/// Issue #11: commands that never finish, at default options (no ANALYZE), cancelled by statement_timeout.
/// What QueryWatch has is the estimated plan and how long the command ran before it was cancelled.
/// </summary>
public sealed partial class NeverFinishesTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Seed 003 (GitLab): every expired artifact references a locked pipeline, so the inner Filter rejects each row.
    private const string ExpiringArtifacts = """
        SELECT a.id AS "Value" FROM artifacts a JOIN pipelines p ON p.id = a.pipeline_id
        WHERE p.locked = 0 AND a.expire_at < now() LIMIT 100
        """;

    private static async Task<WatchedDatabase> Seed003Async(PostgresFixture postgres, string name, Action<QueryWatchOptions> configure)
    {
        var db = await WatchedDatabase.CreateAsync(postgres, name, configure);
        await db.ExecuteAsync("""
            CREATE TABLE pipelines (id int PRIMARY KEY, locked int NOT NULL);
            CREATE TABLE artifacts (id int PRIMARY KEY, pipeline_id int NOT NULL, expire_at timestamptz NOT NULL);
            INSERT INTO pipelines SELECT i, CASE WHEN i <= 200000 THEN 1 ELSE 0 END FROM generate_series(1, 400000) i;
            INSERT INTO artifacts SELECT i, i, now() - interval '30 days' + i * interval '1 s' FROM generate_series(1, 200000) i;
            CREATE INDEX artifacts_expire_at ON artifacts (expire_at);
            ALTER TABLE pipelines SET (parallel_workers = 0);
            ALTER TABLE artifacts SET (parallel_workers = 0);
            ANALYZE pipelines;
            ANALYZE artifacts;
            """);
        return db;
    }

    private static async Task<PostgresException> CancelledAfterAsync(ItemsContext context, int statementTimeoutMs, string sql)
    {
        await context.Database.OpenConnectionAsync(Ct);
        var set = "SET statement_timeout = " + statementTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.Database.ExecuteSqlRawAsync(set, Ct);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => context.Database.SqlQueryRaw<int>(sql).ToListAsync(Ct));
        var postgresError = Assert.IsType<PostgresException>(error);
        Assert.Equal(PostgresErrorCodes.QueryCanceled, postgresError.SqlState);
        return postgresError;
    }

    private static bool IsWarning(FakeLogRecord r, params string[] rules) =>
        rules.Contains(r.GetStructuredStateValue("RuleId")) && r.GetStructuredStateValue("Severity") == "Warning";

    /// <summary>The finding names the inner Filter (on locked) and the outer side's estimated row count.</summary>
    private static void AssertNamesTheLoop(FakeLogRecord finding)
    {
        // Observed: the duration against the plan's prediction; Probed when a bounded probe then measured the bet.
        Assert.Contains(finding.GetStructuredStateValue("Basis"), new[] { "Observed", "Probed" });
        var message = finding.GetStructuredStateValue("Message")!;
        Assert.Contains("locked = …)", message, StringComparison.Ordinal);
        var outerRows = OuterRows().Match(message);
        Assert.True(outerRows.Success, message);
        Assert.InRange(double.Parse(outerRows.Groups["rows"].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture), 100_000, 300_000);
    }

    [Fact]
    public async Task Seed_003_cancelled_by_statement_timeout_is_a_warning_resting_on_its_duration()
    {
        await using var db = await Seed003Async(postgres, "qw_never_003", _ => { });
        await using var context = db.NewContext();

        await CancelledAfterAsync(context, 150, ExpiringArtifacts);

        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("Cancelled", explained.GetStructuredStateValue("Outcome"));
        Assert.Equal("False", explained.GetStructuredStateValue("Analyze"));
        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => IsWarning(r, "QW004", "QW025"));
        AssertNamesTheLoop(finding);
        Assert.Contains(db.Events(QueryWatchEventId.Finding), r => IsWarning(r, "QW004") && r.GetStructuredStateValue("Node")!.EndsWith("Index Scan on pipelines p", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Seed_003_left_to_finish_slowly_is_caught_without_analyze()
    {
        await using var db = await Seed003Async(postgres, "qw_never_003_slow", o => o.SlowCommandThreshold = TimeSpan.FromMilliseconds(20));
        await using var context = db.NewContext();

        var rows = await context.Database.SqlQueryRaw<int>(ExpiringArtifacts).ToListAsync(Ct);

        Assert.Empty(rows);
        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("Slow", explained.GetStructuredStateValue("Outcome"));
        Assert.Equal("False", explained.GetStructuredStateValue("Analyze"));
        AssertNamesTheLoop(await db.WaitForAsync(QueryWatchEventId.Finding, r => IsWarning(r, "QW004", "QW025")));
    }

    [Fact]
    public async Task Query_slow_only_because_of_pg_sleep_is_not_called_a_lost_bet()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_never_sleep", _ => { });
        await using var context = db.NewContext();

        await CancelledAfterAsync(context, 300, """SELECT id AS "Value" FROM items WHERE category = 7 AND pg_sleep(0.2) IS NOT NULL LIMIT 1""");

        var explained = await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Equal("Cancelled", explained.GetStructuredStateValue("Outcome"));
        Assert.DoesNotContain(db.Events(QueryWatchEventId.Finding), r => IsWarning(r, "QW025"));
    }

    [Fact]
    public async Task Not_in_whose_hashed_subplan_is_rebuilt_per_rescan_is_a_warning_when_cancelled()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_never_notin", _ => { });
        // Small tables: EXPLAIN plans in milliseconds, and 2,000 rebuilds of a 5,000-row hash still take seconds.
        await db.ExecuteAsync("""
            CREATE TABLE processes (id int PRIMARY KEY, owner int NOT NULL);
            CREATE TABLE tasks (id int PRIMARY KEY, process_id int NOT NULL);
            CREATE TABLE done (task_id int, owner int NOT NULL);
            INSERT INTO processes SELECT i, i % 50 FROM generate_series(1, 2000) i;
            INSERT INTO tasks SELECT i, i % 2000 + 1 FROM generate_series(1, 20000) i;
            INSERT INTO done SELECT i, i % 50 FROM generate_series(1, 5000) i;
            ANALYZE processes;
            ANALYZE tasks;
            ANALYZE done;
            """);
        await using var context = db.NewContext();

        // The NOT IN reads p.owner from two levels up: hashable, and rebuilt whenever p changes. count(*) makes the
        // server fail before the first row, as an aggregate or a sort would: a command cancelled while its rows are
        // being read reaches EF's DataReaderDisposing, not CommandFailed, and is judged as slow or not by its duration.
        await CancelledAfterAsync(context, 300, """
            SELECT count(*)::int AS "Value" FROM processes p CROSS JOIN LATERAL (
                SELECT t.id FROM tasks t
                WHERE t.process_id = p.id AND t.id NOT IN (SELECT d.task_id FROM done d WHERE d.owner = p.owner)
                LIMIT 1) x
            """);

        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => IsWarning(r, "QW008"));
        Assert.Equal("Cancelled", finding.GetStructuredStateValue("Outcome"));
        Assert.Contains("rebuilt on every rescan", finding.GetStructuredStateValue("Message"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?:an estimated|reading) (?<rows>[\d,]+) rows", RegexOptions.CultureInvariant)]
    private static partial Regex OuterRows();
}
