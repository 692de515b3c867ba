using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Explain;

namespace QueryWatch.IntegrationTests.Interception;

/// <summary>Live sampling of commands still running past the threshold, at default options (issue #11 part 3).</summary>
public sealed class LiveSamplingTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<PostgresException> RunUnderStatementTimeout(ItemsContext context, string sql, int timeoutMs)
    {
        await context.Database.OpenConnectionAsync(Ct);
        var setTimeout = "SET statement_timeout = " + timeoutMs.ToString(CultureInfo.InvariantCulture);
        await context.Database.ExecuteSqlRawAsync(setTimeout, Ct);
        var query = context.Database.SqlQueryRaw<int>(sql);
        return Assert.IsType<PostgresException>(await Assert.ThrowsAnyAsync<Exception>(() => query.ToListAsync(Ct)));
    }

    private static async Task<long> SamplerConnections(WatchedDatabase db)
        => await db.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{InFlightSampler.ApplicationName}' AND datname = current_database()");

    [Fact]
    public async Task Select_for_update_waiting_on_an_idle_transaction_names_the_holder_in_lock_wait()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_lock_wait", _ => { });
        await using var holder = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.ConnectionString) { ApplicationName = "qw-holder" }.ConnectionString);
        await holder.OpenAsync(Ct);
        await using var transaction = await holder.BeginTransactionAsync(Ct);
        await using (var lockRow = new NpgsqlCommand("SELECT id FROM items WHERE id = 7 FOR UPDATE", holder, transaction))
            await lockRow.ExecuteScalarAsync(Ct);

        await using (var context = db.NewContext())
        {
            var error = await RunUnderStatementTimeout(context, "SELECT id AS \"Value\" FROM items WHERE id = 7 FOR UPDATE", 2500);
            Assert.Equal(PostgresErrorCodes.QueryCanceled, error.SqlState);
        }

        var finding = await db.WaitForAsync(QueryWatchEventId.Finding, r => r.GetStructuredStateValue("RuleId") == "QW024");
        Assert.Equal("Warning", finding.GetStructuredStateValue("Severity"));
        Assert.Equal("Observed", finding.GetStructuredStateValue("Basis"));
        Assert.Equal("Cancelled", finding.GetStructuredStateValue("Outcome"));
        var message = finding.GetStructuredStateValue("Message")!;
        Assert.Contains("process " + holder.ProcessID.ToString(CultureInfo.InvariantCulture), message);
        Assert.Contains("qw-holder", message);
        Assert.Contains("idle in transaction for", message);
        // The holder's statement, normalized: the literal 7 never reaches the log.
        Assert.Contains("WHERE id = $1 FOR UPDATE", message);
        Assert.Contains("lock_timeout", finding.GetStructuredStateValue("Suggestion"));
        await transaction.RollbackAsync(Ct);
    }

    [Fact]
    public async Task Query_slow_only_because_of_pg_sleep_is_sampled_but_raises_no_lock_wait()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_sleep_sampled", _ => { });
        using var samples = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(null, "QueryWatch", "querywatch.inflight.samples");

        await using (var context = db.NewContext())
        {
            var error = await RunUnderStatementTimeout(context, "SELECT 1 AS \"Value\" FROM pg_sleep(5)", 2000);
            Assert.Equal(PostgresErrorCodes.QueryCanceled, error.SqlState);
        }

        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        // Process-wide (EF may share the interceptor, and so its sampler, with another test's contexts
        // at default options): enough to show the sleeping command was looked at.
        Assert.True(samples.GetMeasurementSnapshot().Sum(m => m.Value) > 0, "the sleeping command was sampled");
        Assert.DoesNotContain(db.Events(QueryWatchEventId.Finding), r => r.GetStructuredStateValue("RuleId") == "QW024");
        Assert.DoesNotContain(db.Events(QueryWatchEventId.Finding),
            r => r.GetStructuredStateValue("Basis") == "Observed" && r.GetStructuredStateValue("Severity") is "Warning" or "Critical");
    }

    [Fact]
    public async Task No_sampling_query_reaches_the_server_while_no_command_is_past_the_threshold()
    {
        // A threshold of its own gives this test its own interceptor, so its own sampler to count.
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_sampler_quiet", o => o.SlowCommandThreshold = TimeSpan.FromMilliseconds(501));

        await using (var context = db.NewContext())
        {
            // Fast commands for several sampling intervals: the timer wakes, finds nothing due, sends nothing.
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(2);
            while (DateTime.UtcNow < until)
            {
                await context.Items.Where(i => i.Id == 3).ToListAsync(Ct);
                await Task.Delay(50, Ct);
            }

            var sampler = db.Pipeline?.Sampler;
            Assert.NotNull(sampler);
            Assert.Equal(0, sampler.QueriesSent);
            Assert.Equal(0, await SamplerConnections(db));

            // The same sampler does query once a command runs past the threshold: the check above can fail.
            await context.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM pg_sleep(1.5)").ToListAsync(Ct);
            // (Whether its pooled connection is still open by the time the test looks is not the point:
            // on CI it was once already gone, so only the query count is asserted here.)
            Assert.True(sampler.QueriesSent > 0);
        }
    }

    [Fact]
    public async Task Multiplexed_connection_is_not_sampled_says_so_once_and_is_still_captured()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_sampler_multiplexing", o => o.SlowCommandThreshold = TimeSpan.FromMilliseconds(502));
        var multiplexed = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Multiplexing = true }.ConnectionString;
        var options = new DbContextOptionsBuilder<ItemsContext>()
            .UseNpgsql(multiplexed)
            .UseLoggerFactory(db.LoggerFactory)
            .ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.ManyServiceProvidersCreatedWarning))
            .UseQueryWatch(o => o.SlowCommandThreshold = TimeSpan.FromMilliseconds(502))
            .Options;

        await using (var context = new ItemsContext(options))
        {
            await context.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM pg_sleep(1.2)").ToListAsync(Ct);
            await context.Database.SqlQueryRaw<int>("SELECT 2 AS \"Value\" FROM pg_sleep(1.2)").ToListAsync(Ct);
        }

        try
        {
            await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
            Assert.Single(db.Events(QueryWatchEventId.InFlightNotSampled));
            Assert.Equal(0, await SamplerConnections(db));
        }
        finally
        {
            // Its own connection string, so its own pipeline: WatchedDatabase stops only the plain one.
            await ExplainPipelineRegistry.StopAsync(multiplexed, new QueryWatchOptions { SlowCommandThreshold = TimeSpan.FromMilliseconds(502) }, Ct);
        }
    }

    [Fact]
    public async Task Sampler_that_cannot_reach_its_server_warns_once_and_backs_off()
    {
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogCollector();
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger(logs, Log.Category);
        var table = new InFlightCommands(TimeSpan.FromMilliseconds(1));
        table.Advance(0);
        Assert.True(table.TryClaim(Guid.NewGuid(), 4242)); // running since "0 ms": due at every tick
        // Port 1 on loopback refuses at once: a real failed connection, no server needed.
        await using var sampler = new InFlightSampler("Host=127.0.0.1;Port=1;Timeout=2", TimeSpan.FromMilliseconds(50), false, logger);

        sampler.Watch(table);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (sampler.QueriesSent < 3 && DateTime.UtcNow < deadline) await Task.Delay(50, Ct);

        Assert.True(sampler.QueriesSent >= 3, $"the sampler retried ({sampler.QueriesSent} attempts)");
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == QueryWatchEventId.InFlightSamplerUnavailable);
        Assert.Equal("NpgsqlException", warning.GetStructuredStateValue("ExceptionType"));
    }

    [Fact]
    public async Task Live_sampling_off_sends_no_sampling_query_for_a_slow_command()
    {
        await using var db = await WatchedDatabase.CreateAsync(postgres, "qw_sampler_off", o => o.InFlightSampleInterval = TimeSpan.Zero);

        await using (var context = db.NewContext())
            await context.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM pg_sleep(1.2)").ToListAsync(Ct);

        await db.WaitForAsync(QueryWatchEventId.ExplainCompleted);
        Assert.Null(db.Pipeline?.Sampler);
        Assert.Equal(0, await SamplerConnections(db));
    }
}
