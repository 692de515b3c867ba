using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>Issue #16 part 7: after the host stops, a capture starts no new worker or connection.</summary>
public sealed class HostStopTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Capture_after_the_host_stopped_is_dropped_and_counted_not_explained()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_after_stop", _ => { });
        var logs = new FakeLogCollector();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddQueryWatch(o => o.SlowCommandThreshold = TimeSpan.FromTicks(1));
        builder.Services.AddDbContext<ItemsContext>(o => o.ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.ManyServiceProvidersCreatedWarning)).UseNpgsql(db.ConnectionString).UseQueryWatch());
        using var host = builder.Build();
        await host.StartAsync(Ct);
        await using var scope = host.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ItemsContext>();
        Assert.Equal(100, await context.Items.CountAsync(Ct));
        Assert.NotNull(ExplainPipelineRegistry.Find(db.ConnectionString, new QueryWatchOptions()));

        await host.StopAsync(Ct);
        using var dropped = new MetricCollector<long>(null, "QueryWatch", "querywatch.queue.dropped");
        Assert.Equal(100, await context.Items.CountAsync(Ct));
        Assert.Equal(7, (await context.Items.SingleAsync(i => i.Id == 7, Ct)).Id);

        Assert.Null(ExplainPipelineRegistry.Find(db.ConnectionString, new QueryWatchOptions()));
        Assert.True(dropped.GetMeasurementSnapshot().Count(m => "stopped".Equals(m.Tags["reason"])) >= 2, "both captures after stop are counted");
        Assert.Single(logs.GetSnapshot(), r => r.Category == Log.Category && r.Id.Id == QueryWatchEventId.CaptureAfterStop);
        // No connection of QueryWatch's is left on the server (a closed backend takes a moment to go).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await db.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'QueryWatch explain' AND datname = current_database()") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "QueryWatch's connection is still open after the host stopped");
            await Task.Delay(100, Ct);
        }
    }
}
