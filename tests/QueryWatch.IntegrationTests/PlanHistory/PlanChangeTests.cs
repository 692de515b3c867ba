using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;
using QueryWatch.IntegrationTests.Interception;
using QueryWatch.Sql;

namespace QueryWatch.IntegrationTests.PlanHistory;

/// <summary>
/// Issue #15, "Done means": through EF on a real server, a statement runs fast and a baseline of its plan
/// is taken (BaselineSampleRate 1); its index is dropped and it runs slow: QW026 plan-changed names both
/// shapes and the node that changed; running slow again with the same new plan logs no second QW026.
/// </summary>
public sealed class PlanChangeTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_plan_that_lost_its_index_is_reported_once_as_QW026_with_both_shapes()
    {
        // Nothing is slow at first; the cooldown is off so that the second slow run is explained again
        // and only plan history can keep it quiet.
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_planchange", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromMinutes(5);
            o.BaselineSampleRate = 0;
            o.ExplainCooldown = TimeSpan.Zero;
        }, rows: 400_000);
        await db.ExecuteAsync("CREATE INDEX ix_items_name ON items (name)");
        await db.ExecuteAsync("VACUUM ANALYZE items");
        var wanted = "item 4242";

        // Warm up (EF's query compilation, the connection, the index pages), then one baseline of a warm run.
        await using (var warm = db.NewContext())
        {
            for (var i = 0; i < 3; i++) Assert.Single(await warm.Items.Where(x => x.Name == wanted).OrderBy(x => x.Category).ToListAsync(Ct));
        }
        await using (var sampled = db.NewContext(o => o.BaselineSampleRate = 1))
        {
            Assert.Single(await sampled.Items.Where(x => x.Name == wanted).OrderBy(x => x.Category).ToListAsync(Ct));
        }
        var baseline = await db.WaitForAsync(QueryWatchEventId.BaselineRecorded);
        Assert.Empty(db.Events(QueryWatchEventId.Finding));
        var fingerprint = baseline.GetStructuredStateValue("Fingerprint")!;
        var before = await db.Pipeline!.PlanHistory.LastAsync(Convert.ToUInt64(fingerprint, 16), Ct);
        Assert.NotNull(before);
        Assert.Contains(before.Shape.Nodes, n => n.IndexName == "ix_items_name");

        await db.ExecuteAsync("DROP INDEX ix_items_name");
        await using (var slow = db.NewContext(o => o.SlowCommandThreshold = TimeSpan.FromTicks(1)))
        {
            Assert.Single(await slow.Items.Where(x => x.Name == wanted).OrderBy(x => x.Category).ToListAsync(Ct));
            var changed = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW026");
            var after = await db.Pipeline!.PlanHistory.LastAsync(before.Fingerprint, Ct);
            Assert.NotNull(after);
            Assert.NotEqual(before.ShapeHash, after.ShapeHash);

            Assert.Equal("plan-changed", changed.GetStructuredStateValue("RuleName"));
            Assert.Equal("Observed", changed.GetStructuredStateValue("Basis"));
            Assert.Equal("Slow", changed.GetStructuredStateValue("Outcome"));
            Assert.Equal(fingerprint, changed.GetStructuredStateValue("Fingerprint"));
            Assert.Contains("Seq Scan on items", changed.GetStructuredStateValue("Node"));
            var message = changed.GetStructuredStateValue("Message")!;
            Assert.Contains("Index Scan using ix_items_name on items → Seq Scan on items", message);
            Assert.Contains(before.ShapeHash.ToString("x16"), message);
            Assert.Contains(after.ShapeHash.ToString("x16"), message);
            Assert.Contains("no longer exists", message);
            Assert.DoesNotContain("4242", message);
            Assert.Contains("ix_items_name", changed.GetStructuredStateValue("Suggestion"));
            TestContext.Current.TestOutputHelper?.WriteLine(changed.Message);

            // The same slow plan again: explained (no cooldown), and no second QW026.
            var handled = db.Pipeline!.Handled;
            Assert.Single(await slow.Items.Where(x => x.Name == wanted).OrderBy(x => x.Category).ToListAsync(Ct));
            await db.WaitForHandledAsync(handled + 1);
            Assert.Equal(2, db.Events(QueryWatchEventId.ExplainCompleted).Count(r => r.GetStructuredStateValue("Fingerprint") == fingerprint));
            Assert.Single(db.Events(QueryWatchEventId.Finding), r => r.GetStructuredStateValue("RuleId") == "QW026");
        }
    }

    [Fact]
    public async Task A_statement_gets_one_baseline_an_hour_however_often_it_is_sampled()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_baseline", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromMinutes(5);
            o.BaselineSampleRate = 1;
        });
        await using var context = db.NewContext();
        for (var i = 0; i < 5; i++) Assert.Single(await context.Items.Where(x => x.Id == 7).ToListAsync(Ct));
        await db.WaitForHandledAsync(5);

        var baseline = Assert.Single(db.Events(QueryWatchEventId.BaselineRecorded));
        Assert.Matches("^[0-9a-f]{16}$", baseline.GetStructuredStateValue("ShapeHash"));
        Assert.Empty(db.Events(QueryWatchEventId.Finding));
        Assert.Empty(db.Events(QueryWatchEventId.ExplainCompleted));
        var record = await db.Pipeline!.PlanHistory.LastAsync(Convert.ToUInt64(baseline.GetStructuredStateValue("Fingerprint"), 16), Ct);
        Assert.Single(record!.Durations);
    }

    [Fact]
    public async Task No_baseline_is_taken_when_the_rate_is_zero()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_nobaseline", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromMinutes(5);
            o.BaselineSampleRate = 0;
        });
        await using var context = db.NewContext();
        for (var i = 0; i < 5; i++) Assert.Single(await context.Items.Where(x => x.Id == 7).ToListAsync(Ct));

        // Nothing was offered: the worker (if live sampling started the pipeline) has nothing queued or handled.
        Assert.Equal(0, db.Pipeline?.Handled ?? 0);
        Assert.Equal(0, db.Pipeline?.QueuedBytes ?? 0);
        Assert.Empty(db.Events(QueryWatchEventId.BaselineRecorded));
    }

    [Fact]
    public async Task A_baseline_offered_after_the_host_stopped_is_not_reported_as_a_lost_capture()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_baseline_stop", _ => { });
        var logs = new FakeLogCollector();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddQueryWatch(o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromMinutes(5);
            o.BaselineSampleRate = 1;
        });
        builder.Services.AddDbContext<ItemsContext>(o => o.ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.ManyServiceProvidersCreatedWarning)).UseNpgsql(db.ConnectionString).UseQueryWatch());
        using var host = builder.Build();
        await host.StartAsync(Ct);
        await host.StopAsync(Ct);
        await using var scope = host.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ItemsContext>();

        Assert.Equal(100, await context.Items.CountAsync(Ct));

        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Category == Log.Category && r.Id.Id == QueryWatchEventId.CaptureAfterStop);
    }

    [Fact]
    public async Task A_plan_flipped_by_new_statistics_names_the_estimate_and_the_last_analyze()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_statflip", o =>
        {
            o.SlowCommandThreshold = TimeSpan.FromMinutes(5);
            o.BaselineSampleRate = 0;
            o.ExplainCooldown = TimeSpan.Zero;
        }, rows: 100_000);
        await db.ExecuteAsync("CREATE INDEX ix_items_category ON items (category)");
        await db.ExecuteAsync("VACUUM ANALYZE items");
        var category = 7;

        // 100 rows of category 7: a bitmap scan of the index. Warm, then one baseline.
        await using (var warm = db.NewContext())
        {
            for (var i = 0; i < 3; i++) Assert.Equal(100, (await warm.Items.Where(x => x.Category == category).Select(x => x.Id).ToListAsync(Ct)).Count);
        }
        await using (var sampled = db.NewContext(o => o.BaselineSampleRate = 1))
        {
            Assert.Equal(100, (await sampled.Items.Where(x => x.Category == category).Select(x => x.Id).ToListAsync(Ct)).Count);
        }
        await db.WaitForAsync(QueryWatchEventId.BaselineRecorded);

        // Most rows become category 7 and ANALYZE says so: the planner reads the whole table instead.
        await db.ExecuteAsync("UPDATE items SET category = 7 WHERE id % 5 <> 0");
        await db.ExecuteAsync("VACUUM ANALYZE items");
        await using var slow = db.NewContext(o => o.SlowCommandThreshold = TimeSpan.FromTicks(1));
        Assert.Equal(80_000, (await slow.Items.Where(x => x.Category == category).Select(x => x.Id).ToListAsync(Ct)).Count);

        var changed = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW026");
        var message = changed.GetStructuredStateValue("Message")!;
        TestContext.Current.TestOutputHelper?.WriteLine(changed.Message);
        Assert.Contains("Bitmap Heap Scan on items → Seq Scan on items", message);
        Assert.Contains("no longer uses index ix_items_category", message);
        Assert.Contains("the row estimate of Seq Scan on items moved from", message);
        Assert.Contains("items was last analyzed", message);
    }
}
