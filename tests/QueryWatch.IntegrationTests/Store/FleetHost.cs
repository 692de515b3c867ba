using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;
using QueryWatch.IntegrationTests.Interception;

namespace QueryWatch.IntegrationTests.Store;

/// <summary>
/// One application instance of a fleet: its own host, service provider, logs and (through its own Application Name)
/// its own QueryWatch pipeline and worker, with the Store section bound from configuration as an app would.
/// </summary>
internal sealed class FleetHost : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private readonly IHost _host;

    private FleetHost(IHost host, string connectionString, FakeLogCollector logs)
    {
        _host = host;
        ConnectionString = connectionString;
        Logs = logs;
    }

    public string ConnectionString { get; }

    public FakeLogCollector Logs { get; }

    public ExplainPipeline? Pipeline => ExplainPipelineRegistry.Find(ConnectionString, new QueryWatchOptions());

    public static async Task<FleetHost> StartAsync(string appConnectionString, string storeConnectionString, Dictionary<string, string?>? settings = null,
        int? commandTimeoutSeconds = null)
    {
        var cs = new NpgsqlConnectionStringBuilder(appConnectionString) { ApplicationName = "qw-fleet-" + Guid.NewGuid().ToString("N")[..12] }.ConnectionString;
        var logs = new FakeLogCollector();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["QueryWatch:SlowCommandThreshold"] = "00:00:00.0000001",
            ["QueryWatch:InFlightSampleInterval"] = "00:00:00",
            ["QueryWatch:Store:ConnectionString"] = storeConnectionString,
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace)
            .AddFilter((category, level) => category == Log.Category || level >= LogLevel.Warning)
            .AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddQueryWatch(builder.Configuration.GetSection("QueryWatch"));
        builder.Services.AddDbContext<ItemsContext>(o => o.ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.ManyServiceProvidersCreatedWarning)).UseNpgsql(cs, n => n.CommandTimeout(commandTimeoutSeconds)).UseQueryWatch());
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new FleetHost(host, cs, logs);
    }

    /// <summary>Runs <paramref name="sql"/> (one int column named Value) through EF in a new scope, as a request would.</summary>
    public async Task<List<int>> QueryAsync(string sql, CancellationToken ct)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ItemsContext>();
        return await context.Database.SqlQueryRaw<int>(sql).ToListAsync(ct);
    }

    public IReadOnlyList<FakeLogRecord> Events(int eventId)
        => Logs.GetSnapshot().Where(r => r.Category == Log.Category && r.Id.Id == eventId).ToList();

    public async Task<FakeLogRecord> WaitForAsync(int eventId, Func<FakeLogRecord, bool>? match = null)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (true)
        {
            var found = Events(eventId).FirstOrDefault(r => match is null || match(r));
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"No QueryWatch event {eventId} in time. Seen:\n" + string.Join("\n", Logs.GetSnapshot().Select(r => $"{r.Id.Id} {r.Level}: {r.Message}")));
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits until this instance's worker has handled <paramref name="count"/> captures.</summary>
    public async Task WaitForHandledAsync(long count)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while ((Pipeline?.Handled ?? 0) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The worker handled {Pipeline?.Handled ?? 0} of {count} captures in time. Seen:\n"
                + string.Join("\n", Logs.GetSnapshot().Select(r => $"{r.Id.Id} {r.Level}: {r.Message}")));
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
