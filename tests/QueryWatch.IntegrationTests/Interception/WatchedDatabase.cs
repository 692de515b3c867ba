using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>
/// A fresh database with an <c>items</c> table, a context factory with QueryWatch on, and the
/// QueryWatch events read back from a real logger provider (FakeLoggerProvider).
/// </summary>
internal sealed class WatchedDatabase : IAsyncDisposable
{
    private static readonly TimeSpan s_defaultWait = TimeSpan.FromSeconds(20);
    private readonly Action<QueryWatchOptions> _configure;

    private WatchedDatabase(string connectionString, Action<QueryWatchOptions> configure)
    {
        // A distinct Application Name gives this test its own pipeline (they are per connection string).
        ConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "qw-test-" + Guid.NewGuid().ToString("N")[..12] }.ConnectionString;
        _configure = configure;
        Logs = new FakeLogCollector();
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Trace)
            .AddFilter((category, level) => category == Log.Category || level >= LogLevel.Warning)
            .AddProvider(new FakeLoggerProvider(Logs)));
    }

    public string ConnectionString { get; }

    public FakeLogCollector Logs { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ExplainPipeline? Pipeline => ExplainPipelineRegistry.Find(ConnectionString, Options);

    /// <summary>The options a context gets (read each time: a test may change what its action reads).</summary>
    private QueryWatchOptions Options
    {
        get
        {
            var options = new QueryWatchOptions();
            _configure(options);
            return options;
        }
    }

    public static async Task<WatchedDatabase> CreateAsync(PostgresFixture postgres, string name, Action<QueryWatchOptions> configure, int rows = 100)
    {
        var ct = TestContext.Current.CancellationToken;
        var db = new WatchedDatabase(await postgres.CreateDatabaseAsync(name, ct), configure);
        await db.ExecuteAsync($"""
            CREATE TABLE items (id int PRIMARY KEY, category int NOT NULL, name text NOT NULL, note text);
            INSERT INTO items SELECT g, g % 1000, 'item ' || g, NULL FROM generate_series(1, {rows}) g;
            ALTER TABLE items SET (parallel_workers = 0);
            ANALYZE items;
            """);
        return db;
    }

    public ItemsContext NewContext(Action<QueryWatchOptions>? configure = null, Action<Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.NpgsqlDbContextOptionsBuilder>? npgsql = null)
    {
        var builder = new DbContextOptionsBuilder<ItemsContext>()
            .UseNpgsql(ConnectionString, npgsql)
            .UseLoggerFactory(LoggerFactory)
            .ConfigureWarnings(w => w.Ignore(CoreEventId.ManyServiceProvidersCreatedWarning))
            .UseQueryWatch(_configure);
        if (configure is not null) builder.UseQueryWatch(configure);
        return new ItemsContext(builder.Options);
    }

    /// <summary>The same context without QueryWatch: what the application sees when it is off.</summary>
    public ItemsContext NewPlainContext(Action<Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.NpgsqlDbContextOptionsBuilder>? npgsql = null)
        => new(new DbContextOptionsBuilder<ItemsContext>().UseNpgsql(ConnectionString, npgsql).Options);

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    public IReadOnlyList<FakeLogRecord> Events(int eventId)
        => Logs.GetSnapshot().Where(r => r.Category == Log.Category && r.Id.Id == eventId).ToList();

    /// <summary>Polls the collected logs until an event matches; the worker is asynchronous by design.</summary>
    public async Task<FakeLogRecord> WaitForAsync(int eventId, Func<FakeLogRecord, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? s_defaultWait);
        while (true)
        {
            var found = Events(eventId).FirstOrDefault(r => match is null || match(r));
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline)
            {
                var seen = string.Join("\n", Logs.GetSnapshot().Select(r => $"{r.Category} {r.Id.Id} {r.Level}: {r.Message}"));
                Assert.Fail($"No QueryWatch event {eventId} within the timeout. Seen:\n{seen}");
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits until the worker has handled <paramref name="count"/> captured commands.</summary>
    public async Task WaitForHandledAsync(long count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? s_defaultWait);
        while ((Pipeline?.Handled ?? 0) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The worker handled {Pipeline?.Handled ?? 0} of {count} captured commands in time.");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ExplainPipelineRegistry.StopAsync(ConnectionString, Options);
        LoggerFactory.Dispose();
    }
}
