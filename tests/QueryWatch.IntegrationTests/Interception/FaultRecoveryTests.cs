using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Testing;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>Issue #16 parts 3 and 6: an outage or a refusal costs a back-off, not minutes of silence or a warning per attempt.</summary>
public sealed class FaultRecoveryTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Capture_after_an_outage_is_explained_within_seconds_of_recovery()
    {
        // A private cluster is the explain server (a replica); the app's database stays up.
        var replica = await TestPostgres.StartAsync(new TestPostgresOptions { ExternalConnectionString = null }, Ct);
        using var explains = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(null, "QueryWatch", "querywatch.explains");
        try
        {
            await using (var connection = new NpgsqlConnection(replica.ConnectionString))
            {
                await connection.OpenAsync(Ct);
                await using var create = new NpgsqlCommand("CREATE TABLE items (id int PRIMARY KEY, category int NOT NULL, name text NOT NULL, note text)", connection);
                await create.ExecuteNonQueryAsync(Ct);
            }

            // Default cooldown (10 minutes): a failed attempt must not put the shape in it.
            await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_outage", o =>
            {
                o.SlowCommandThreshold = TimeSpan.FromTicks(1);
                o.ExplainConnectionString = replica.ConnectionString;
                // Below two back-offs: the worker then keeps captures 10 s, so an outage of 15 s leaves stale ones.
                o.MaxCaptureAge = TimeSpan.FromSeconds(4);
            });
            await using var context = db.NewContext();
            Assert.Equal(100, await context.Items.CountAsync(Ct));
            await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);

            await ClusterOutage.StopAsync(replica, Ct);
            var outage = Stopwatch.StartNew();
            Assert.Equal(7, (await context.Items.SingleAsync(i => i.Id == 7, Ct)).Id);
            await db.WaitForAsync(QueryWatchEventId.ExplainUnavailable);
            // Captures keep coming during the outage: they must not be crawled through one back-off each.
            while (outage.Elapsed < TimeSpan.FromSeconds(15))
            {
                Assert.Equal(7, (await context.Items.SingleAsync(i => i.Id == 7, Ct)).Id);
                Assert.Equal(9, await context.Items.Where(i => i.Category < 10).CountAsync(Ct));
                await Task.Delay(200, Ct);
            }

            await ClusterOutage.StartAsync(replica, Ct);
            var recovered = Stopwatch.StartNew();
            Assert.Equal(7, (await context.Items.SingleAsync(i => i.Id == 7, Ct)).Id);
            var first = db.Events(QueryWatchEventId.ExplainCompleted)[0].GetStructuredStateValue("Fingerprint");
            while (!db.Events(QueryWatchEventId.ExplainCompleted).Any(r => r.GetStructuredStateValue("Fingerprint") != first))
            {
                Assert.True(recovered.Elapsed < TimeSpan.FromSeconds(10),
                    $"nothing explained {recovered.Elapsed.TotalSeconds:0.0} s after recovery; handled {db.Pipeline?.Handled}, results "
                    + string.Join(", ", explains.GetMeasurementSnapshot().GroupBy(m => m.Tags["result"]).Select(g => g.Key + " " + g.Count()))
                    + "\n" + string.Join("\n", db.Logs.GetSnapshot().Select(r => $"{r.Timestamp:HH:mm:ss.fff} {r.Id.Id} {r.Level}: {r.Message}")));
                await Task.Delay(25, Ct);
            }

            var back = await db.WaitForAsync(QueryWatchEventId.ExplainRecovered);
            Assert.True(int.Parse(back.GetStructuredStateValue("FailedAttempts")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
            var stale = await db.WaitForAsync(QueryWatchEventId.StaleCapturesDropped);
            Assert.True(long.Parse(stale.GetStructuredStateValue("Count")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
            // One warning for the outage; its retries are debug.
            Assert.Single(db.Events(QueryWatchEventId.ExplainUnavailable), r => r.Level == LogLevel.Warning);
        }
        finally
        {
            await replica.DisposeAsync();
        }
    }

    [Fact]
    public async Task Role_without_select_gets_one_warning_naming_the_grant_and_backs_off()
    {
        var role = "qw_reader_" + Guid.NewGuid().ToString("N")[..8];
        string? explainAt = null;
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_refusal", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainCooldown = TimeSpan.Zero;
            o.ExplainConnectionString = explainAt;
        });
        await db.ExecuteAsync($"CREATE ROLE {role} LOGIN; REVOKE ALL ON items FROM PUBLIC;");
        explainAt = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role }.ConnectionString;
        await using var context = db.NewContext();

        Assert.Equal(100, await context.Items.CountAsync(Ct));
        Assert.Equal(7, (await context.Items.SingleAsync(i => i.Id == 7, Ct)).Id);
        Assert.Equal(9, await context.Items.Where(i => i.Category < 10).CountAsync(Ct));
        await db.WaitForHandledAsync(3);

        var refusals = db.Events(QueryWatchEventId.ExplainRefused);
        Assert.Equal(3, refusals.Count);
        var warning = Assert.Single(refusals, r => r.Level == LogLevel.Warning);
        Assert.Equal($"GRANT SELECT ON TABLE items TO {role}", warning.GetStructuredStateValue("Grant"));
        Assert.Equal(role, warning.GetStructuredStateValue("Role"));
        Assert.Equal("items", warning.GetStructuredStateValue("ObjectName"));
        Assert.Empty(db.Events(QueryWatchEventId.ExplainFailed));
        // Each attempt after a refusal waited longer than the one before.
        var backoffs = refusals.Select(r => double.Parse(r.GetStructuredStateValue("BackoffSeconds")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([1, 2, 4], backoffs);

        // The named GRANT is the one that was missing: run as is, the next capture is explained.
        await db.ExecuteAsync((string)warning.GetStructuredStateValue("Grant")!);
        Assert.Equal([7], await context.Items.Where(i => i.Id == 7).Select(i => i.Id).ToListAsync(Ct));
        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
    }

    [Fact]
    public async Task Statement_on_the_apps_temporary_table_is_skipped_with_one_debug_event()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_temp", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromTicks(1);
            o.ExplainCooldown = TimeSpan.Zero;
        });
        await using var context = db.NewContext();
        await context.Database.OpenConnectionAsync(Ct);
        await context.Database.ExecuteSqlRawAsync("CREATE TEMP TABLE recent_items AS SELECT * FROM items WHERE id <= 10", Ct);

        Assert.Equal([10], await context.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM recent_items").ToListAsync(Ct));
        await db.WaitForHandledAsync(2);

        var skipped = Assert.Single(db.Events(QueryWatchEventId.ExplainSkippedSessionLocal));
        Assert.Equal(LogLevel.Debug, skipped.Level);
        Assert.Equal(PostgresErrorCodes.UndefinedTable, skipped.GetStructuredStateValue("SqlState"));
        Assert.Empty(db.Events(QueryWatchEventId.ExplainFailed));
    }
}
