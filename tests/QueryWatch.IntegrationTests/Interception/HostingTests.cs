using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;

namespace QueryWatch.IntegrationTests.Interception;

public sealed class HostingTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IHost BuildHost(string connectionString, FakeLogCollector logs, Dictionary<string, string?> settings, bool pooled = false)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddQueryWatch(builder.Configuration.GetSection("QueryWatch"));
        if (pooled) builder.Services.AddDbContextPool<ItemsContext>(o => o.ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.ManyServiceProvidersCreatedWarning)).UseNpgsql(connectionString).UseQueryWatch());
        else builder.Services.AddDbContext<ItemsContext>(o => o.ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.ManyServiceProvidersCreatedWarning)).UseNpgsql(connectionString).UseQueryWatch(w => w.ExplainAnalyze = true));
        return builder.Build();
    }

    private static async Task<FakeLogRecord> WaitForAsync(FakeLogCollector logs, int eventId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var found = logs.GetSnapshot().FirstOrDefault(r => r.Category == Log.Category && r.Id.Id == eventId);
            if (found is not null) return found;
            Assert.True(DateTime.UtcNow < deadline, $"No QueryWatch event {eventId} in time.");
            await Task.Delay(25, Ct);
        }
    }

    [Fact]
    public async Task AddQueryWatch_binds_the_section_and_UseQueryWatch_logs_through_the_app_logger()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_host", _ => { });
        var logs = new FakeLogCollector();
        using var host = BuildHost(db.ConnectionString, logs, new() { ["QueryWatch:SlowCommandThreshold"] = "00:00:00.1" });
        await host.StartAsync(Ct);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<ItemsContext>();
            Assert.Equal([7], await context.Database.SqlQueryRaw<int>("SELECT 7 AS \"Value\" FROM pg_sleep(0.3)").ToListAsync(Ct));
        }

        var explained = await WaitForAsync(logs, QueryWatchEventId.ExplainCompleted);
        Assert.Equal("Slow", explained.GetStructuredStateValue("Outcome"));
        // The action passed to UseQueryWatch applies on top of the bound options.
        Assert.Equal("True", explained.GetStructuredStateValue("Analyze"));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Invalid_bound_options_stop_the_host_from_starting_with_the_property_named()
    {
        var logs = new FakeLogCollector();
        using var host = BuildHost("Host=127.0.0.1", logs, new() { ["QueryWatch:SampleRate"] = "1.5" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("SampleRate", error.Message);
        Assert.Contains("1.5", error.Message);
    }

    [Fact]
    public async Task Pooled_contexts_in_parallel_share_one_pipeline_and_it_stops_with_the_host()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_pool", _ => { });
        var logs = new FakeLogCollector();
        using var host = BuildHost(db.ConnectionString, logs, new() { ["QueryWatch:SlowCommandThreshold"] = "00:00:00.05", ["QueryWatch:ExplainCooldown"] = "00:00:00" }, pooled: true);
        await host.StartAsync(Ct);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async n =>
        {
            await using var scope = host.Services.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<ItemsContext>();
            await context.Database.SqlQuery<int>($"SELECT {n} AS \"Value\" FROM pg_sleep(0.1)").ToListAsync(Ct);
        }));

        var pipeline = ExplainPipelineRegistry.Find(db.ConnectionString, new QueryWatchOptions());
        Assert.NotNull(pipeline);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (pipeline.Handled < 8)
        {
            Assert.True(DateTime.UtcNow < deadline, $"handled {pipeline.Handled} of 8");
            await Task.Delay(25, Ct);
        }

        await host.StopAsync(Ct);
        Assert.Null(ExplainPipelineRegistry.Find(db.ConnectionString, new QueryWatchOptions()));
    }

    [Fact]
    public void Invalid_options_given_to_UseQueryWatch_fail_when_the_context_is_created_with_the_property_named()
    {
        var options = new DbContextOptionsBuilder<ItemsContext>()
            .UseNpgsql("Host=127.0.0.1")
            .UseQueryWatch(o => o.QueueCapacity = 0)
            .Options;
        var error = Assert.Throws<InvalidOperationException>(() => new ItemsContext(options));

        Assert.Contains("QueryWatchOptions.QueueCapacity = 0", error.Message);
        Assert.Contains("UseQueryWatch", error.Message);
    }
}
