using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.EntityFrameworkCore.Infrastructure;
using QueryWatch.EntityFrameworkCore.Interception;
using QueryWatch.Explain;

namespace QueryWatch.IntegrationTests.PlanHistory;

/// <summary>
/// The baseline countdown on the interceptor's hot path (issue #15): one uncaptured command in 1/rate per
/// thread is offered, and the others cost no allocation. The hooks are called directly with EF's event
/// data, as the hot-path benchmark does, each run on a thread of its own so its countdown starts at zero.
/// </summary>
public sealed class BaselineCountdownTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Uncaptured_commands_allocate_nothing_while_the_countdown_runs()
    {
        await using var hooks = await Hooks.CreateAsync(postgres, baselineRate: 0.0001);
        long allocated = -1;
        // 3,000 operations of three commands: under the 10,000 that would offer a baseline.
        RunOnOwnThread(() =>
        {
            for (var i = 0; i < 100; i++) hooks.Run();
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 2_900; i++) hooks.Run();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });

        Assert.Equal(0, allocated);
        Assert.Equal(0, hooks.Pipeline?.QueuedBytes ?? 0);
    }

    [Fact]
    public async Task One_uncaptured_command_in_n_is_offered_for_a_baseline()
    {
        await using var hooks = await Hooks.CreateAsync(postgres, baselineRate: 0.01);
        // 400 operations of three commands: 1,200 commands, so 12 offers at one in 100.
        RunOnOwnThread(() =>
        {
            for (var i = 0; i < 400; i++) hooks.Run();
        });

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((hooks.Pipeline?.Handled ?? 0) < 12 && DateTime.UtcNow < deadline) await Task.Delay(25, TestContext.Current.CancellationToken);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(12, hooks.Pipeline!.Handled);
    }

    private static void RunOnOwnThread(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException("the hooks threw", failure);
    }

    private sealed class Hooks : IAsyncDisposable
    {
        private readonly QueryWatchInterceptor _interceptor;
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlCommand _command;
        private readonly CommandEventData _executing;
        private readonly CommandExecutedEventData _executed;
        private readonly DataReaderDisposingEventData _disposing;
        private readonly string _connectionString;

        private Hooks(string connectionString, double baselineRate)
        {
            _connectionString = connectionString;
            _interceptor = new QueryWatchInterceptor(new QueryWatchOptionsExtension(new QueryWatchOptions
            {
                SlowCommandThreshold = TimeSpan.FromHours(1),
                InFlightSampleInterval = TimeSpan.Zero,
                BaselineSampleRate = baselineRate,
            }, null));
            using var context = new DbContext(new DbContextOptionsBuilder().UseNpgsql(connectionString).Options);
            var definition = new FallbackEventDefinition(context.GetService<ILoggingOptions>(), new EventId(1), LogLevel.Debug, "test", "test");
            _connection = new NpgsqlConnection(connectionString);
            _command = new NpgsqlCommand("SELECT 1", _connection);
            var commandId = Guid.NewGuid();
            var connectionId = Guid.NewGuid();
            _executing = new CommandEventData(definition, static (_, _) => "", _connection, _command, "SELECT 1", null, DbCommandMethod.ExecuteReader,
                commandId, connectionId, async: false, logParameterValues: false, DateTimeOffset.UtcNow, CommandSource.LinqQuery);
            _executed = new CommandExecutedEventData(definition, static (_, _) => "", _connection, _command, "SELECT 1", null, DbCommandMethod.ExecuteReader,
                commandId, connectionId, null, async: false, logParameterValues: false, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1), CommandSource.LinqQuery);
            _disposing = new DataReaderDisposingEventData(definition, static (_, _) => "", _command, null!, null, commandId, connectionId, 0, 1,
                DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1));
        }

        public ExplainPipeline? Pipeline => ExplainPipelineRegistry.Find(_connectionString, new QueryWatchOptions());

        public static async Task<Hooks> CreateAsync(PostgresFixture postgres, double baselineRate)
        {
            var database = await postgres.CreateDatabaseAsync("qw_countdown", TestContext.Current.CancellationToken);
            // Its own Application Name: its own pipeline.
            var connectionString = new NpgsqlConnectionStringBuilder(database) { ApplicationName = "qw-countdown-" + Guid.NewGuid().ToString("N")[..12] }.ConnectionString;
            return new Hooks(connectionString, baselineRate);
        }

        // A reader, an async scalar and a non-query, each under the threshold: three uncaptured commands.
        public int Run()
        {
            _interceptor.ReaderExecuting(_command, _executing, default);
            _interceptor.ReaderExecuted(_command, _executed, null!);
            _interceptor.DataReaderDisposing(_command, _disposing, default);
            var starting = _interceptor.ScalarExecutingAsync(_command, _executing, default);
            var scalar = _interceptor.ScalarExecutedAsync(_command, _executed, null);
            _interceptor.NonQueryExecuting(_command, _executing, default);
            return _interceptor.NonQueryExecuted(_command, _executed, 1) + (scalar.IsCompletedSuccessfully && starting.IsCompletedSuccessfully ? 1 : 0);
        }

        public async ValueTask DisposeAsync()
        {
            await ExplainPipelineRegistry.StopAsync(_connectionString, new QueryWatchOptions());
            await _command.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}
