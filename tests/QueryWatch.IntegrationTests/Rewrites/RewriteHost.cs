using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using QueryWatch.Diagnostics;
using QueryWatch.IntegrationTests.Interception;

namespace QueryWatch.IntegrationTests.Rewrites;

/// <summary>
/// An application host in a named environment with QueryWatch bound from configuration (every command
/// captured, no cooldown), its logs read back, and a recorder that sees each command's text as the
/// server received it (read after execution: QueryWatch rewrites before).
/// </summary>
internal sealed class RewriteHost : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private readonly IHost _host;

    private RewriteHost(IHost host, FakeLogCollector logs, SentCommands sent)
    {
        _host = host;
        Logs = logs;
        Sent = sent;
    }

    public FakeLogCollector Logs { get; }

    public SentCommands Sent { get; }

    public static async Task<RewriteHost> StartAsync(string connectionString, string environment, Dictionary<string, string?> rewriteSettings,
        Dictionary<string, string?>? querywatchSettings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment, DisableDefaults = true });
        var settings = new Dictionary<string, string?>
        {
            ["QueryWatch:SlowCommandThreshold"] = "00:00:00.0000001",
            ["QueryWatch:ExplainCooldown"] = "00:00:00",
        };
        foreach (var (key, value) in rewriteSettings) settings["QueryWatch:Rewrites:" + key] = value;
        foreach (var (key, value) in querywatchSettings ?? []) settings["QueryWatch:" + key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new FakeLogCollector();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs));
        var sent = new SentCommands();
        builder.Services.AddQueryWatch(builder.Configuration.GetSection("QueryWatch"));
        builder.Services.AddDbContext<ItemsContext>(o => o.ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.ManyServiceProvidersCreatedWarning)).UseNpgsql(connectionString).AddInterceptors(sent).UseQueryWatch());
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new RewriteHost(host, logs, sent);
    }

    /// <summary>Runs <paramref name="sql"/> through EF on a fresh context (raw SQL goes through the interceptor like LINQ).</summary>
    public async Task<List<int>> QueryAsync(string sql, params object[] parameters)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ItemsContext>();
        return await context.Database.SqlQueryRaw<int>(sql, parameters).ToListAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Runs a LINQ query through EF on a fresh context.</summary>
    public async Task<List<int>> QueryAsync(Func<ItemsContext, IQueryable<int>> query)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ItemsContext>();
        return await query(context).ToListAsync(TestContext.Current.CancellationToken);
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
            {
                var seen = string.Join("\n", Logs.GetSnapshot().Select(r => $"{r.Category} {r.Id.Id} {r.Level}: {r.Message}"));
                Assert.Fail($"No QueryWatch event {eventId} within the timeout. Seen:\n{seen}");
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Waits until the worker has explained <paramref name="count"/> statements (every command is captured);
    /// its rewrite step for a statement ends before that statement's explain event.
    /// </summary>
    public async Task WaitForExplainsAsync(int count)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (Events(QueryWatchEventId.ExplainCompleted).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The worker explained {Events(QueryWatchEventId.ExplainCompleted).Count} of {count} commands in time.");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TestContext.Current.CancellationToken);
        _host.Dispose();
    }

    /// <summary>The text of every command after it ran, in order: what reached the server.</summary>
    internal sealed class SentCommands : DbCommandInterceptor
    {
        private readonly ConcurrentQueue<string> _texts = new();

        // EF ends raw SQL with a line break; the tests compare with the SQL they wrote.
        public IReadOnlyList<string> Texts => _texts.Select(t => t.TrimEnd('\n')).ToArray();

        public string Last => _texts.Last().TrimEnd('\n');

        public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
        {
            _texts.Enqueue(command.CommandText);
            return result;
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            _texts.Enqueue(command.CommandText);
            return new ValueTask<DbDataReader>(result);
        }

        public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            _texts.Enqueue(command.CommandText);
            return Task.CompletedTask;
        }
    }
}
