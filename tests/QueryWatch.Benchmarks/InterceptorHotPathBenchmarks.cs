using System.Data.Common;
using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.EntityFrameworkCore.Infrastructure;
using QueryWatch.EntityFrameworkCore.Interception;
using QueryWatch.Explain;
using QueryWatch.Testing;

namespace QueryWatch.Benchmarks;

/// <summary>
/// QueryWatch's own hooks for commands under the threshold, called directly with EF's event data:
/// what the round-trip benchmark cannot resolve through its noise. One operation is three commands
/// (a reader, an async scalar, a non-query), each Executing then Executed (and the reader disposed).
/// With live sampling on, each command claims and clears a slot and reads its backend pid, so the
/// connection is a real open one. Goal: 0 B, and within 50 ns of a do-nothing interceptor.
/// The event data carry a real DbContext, as EF's do: with RepeatedStatementThreshold on (issue #13 part 5) each
/// ending hook also counts the command's text for that context. That case's threshold is never reached, so every
/// command takes the counting path (a count at its threshold stops early and costs less).
/// </summary>
[MemoryDiagnoser]
public class InterceptorHotPathBenchmarks
{
    private readonly DbCommandInterceptor _noOp = new NoOpCommandInterceptor();
    private TestPostgres? _server;
    private NpgsqlConnection _connection = null!;
    private DbCommandInterceptor _queryWatch = null!;
    private DbCommandInterceptor _queryWatchSampling = null!;
    private DbCommandInterceptor _queryWatchNoBaseline = null!;
    private DbCommandInterceptor _queryWatchCounting = null!;
    private DbContext _context = null!;
    private NpgsqlCommand _command = null!;
    private CommandEventData _executing = null!;
    private CommandExecutedEventData _executed = null!;
    private DataReaderDisposingEventData _disposing = null!;

    [GlobalSetup]
    public void Setup()
    {
        var connectionString = Environment.GetEnvironmentVariable("QUERYWATCH_BENCH_CONNECTION");
        if (string.IsNullOrEmpty(connectionString))
        {
            _server = TestPostgres.StartAsync().GetAwaiter().GetResult();
            connectionString = _server.ConnectionString;
        }

        _queryWatch = new QueryWatchInterceptor(new QueryWatchOptionsExtension(
            new QueryWatchOptions { SlowCommandThreshold = TimeSpan.FromHours(1), InFlightSampleInterval = TimeSpan.Zero, RepeatedStatementThreshold = 0 }, null));
        _queryWatchSampling = new QueryWatchInterceptor(new QueryWatchOptionsExtension(
            new QueryWatchOptions { SlowCommandThreshold = TimeSpan.FromHours(1), RepeatedStatementThreshold = 0 }, null));
        _queryWatchCounting = new QueryWatchInterceptor(new QueryWatchOptionsExtension(
            new QueryWatchOptions { SlowCommandThreshold = TimeSpan.FromHours(1), InFlightSampleInterval = TimeSpan.Zero, RepeatedStatementThreshold = int.MaxValue }, null));
        _context = new DbContext(new DbContextOptionsBuilder().UseNpgsql(connectionString).Options);
        var context = _context;
        // Issue #15: the same as _queryWatch without the baseline countdown, to price it in the same run.
        _queryWatchNoBaseline = new QueryWatchInterceptor(new QueryWatchOptionsExtension(
            new QueryWatchOptions { SlowCommandThreshold = TimeSpan.FromHours(1), InFlightSampleInterval = TimeSpan.Zero, RepeatedStatementThreshold = 0, BaselineSampleRate = 0 }, null));
        var definition = new FallbackEventDefinition(context.GetService<ILoggingOptions>(), new EventId(1), LogLevel.Debug, "bench", "bench");
        _connection = new NpgsqlConnection(connectionString);
        _connection.Open();
        _command = new NpgsqlCommand("SELECT 1", _connection);
        var commandId = Guid.NewGuid();
        var connectionId = Guid.NewGuid();
        _executing = new CommandEventData(definition, static (_, _) => "", _connection, _command, "SELECT 1", context, DbCommandMethod.ExecuteReader,
            commandId, connectionId, async: false, logParameterValues: false, DateTimeOffset.UtcNow, CommandSource.LinqQuery);
        _executed = new CommandExecutedEventData(definition, static (_, _) => "", _connection, _command, "SELECT 1", context, DbCommandMethod.ExecuteReader,
            commandId, connectionId, null, async: false, logParameterValues: false, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1), CommandSource.LinqQuery);
        _disposing = new DataReaderDisposingEventData(definition, static (_, _) => "", _command, null!, context, commandId, connectionId, 0, 1,
            DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1));
        // The first command attaches the slot table to its sampler (once per interceptor): not the hot path.
        Run(_queryWatchSampling);
        // The context's table of statements is made by its first command: not the hot path either.
        Run(_queryWatchCounting);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ExplainPipelineRegistry.StopAllAsync().GetAwaiter().GetResult();
        _connection.Dispose();
        _context.Dispose();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public int DoNothingInterceptor() => Run(_noOp);

    [Benchmark]
    public int QueryWatch() => Run(_queryWatch);

    [Benchmark]
    public int QueryWatchWithSlots() => Run(_queryWatchSampling);

    [Benchmark]
    public int QueryWatchCountingStatements() => Run(_queryWatchCounting);

    [Benchmark]
    public int QueryWatchNoBaseline() => Run(_queryWatchNoBaseline);

    private int Run(DbCommandInterceptor interceptor)
    {
        interceptor.ReaderExecuting(_command, _executing, default);
        interceptor.ReaderExecuted(_command, _executed, null!);
        interceptor.DataReaderDisposing(_command, _disposing, default);
        var starting = interceptor.ScalarExecutingAsync(_command, _executing, default);
        var scalar = interceptor.ScalarExecutedAsync(_command, _executed, null);
        interceptor.NonQueryExecuting(_command, _executing, default);
        return interceptor.NonQueryExecuted(_command, _executed, 1) + (scalar.IsCompletedSuccessfully && starting.IsCompletedSuccessfully ? 1 : 0);
    }

    private sealed class NoOpCommandInterceptor : DbCommandInterceptor;
}
