using System.Data.Common;
using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.EntityFrameworkCore.Infrastructure;
using QueryWatch.EntityFrameworkCore.Interception;

namespace QueryWatch.Benchmarks;

/// <summary>
/// QueryWatch's own hooks for a command under the threshold, called directly with EF's event data
/// and no database: what the round-trip benchmark cannot resolve through its noise. Goal: 0 B.
/// </summary>
[MemoryDiagnoser]
public class InterceptorHotPathBenchmarks
{
    private readonly DbCommandInterceptor _noOp = new NoOpCommandInterceptor();
    private DbCommandInterceptor _queryWatch = null!;
    private NpgsqlCommand _command = null!;
    private CommandExecutedEventData _executed = null!;
    private DataReaderDisposingEventData _disposing = null!;

    [GlobalSetup]
    public void Setup()
    {
        _queryWatch = new QueryWatchInterceptor(new QueryWatchOptionsExtension(new QueryWatchOptions { SlowCommandThreshold = TimeSpan.FromHours(1) }, null));
        using var context = new DbContext(new DbContextOptionsBuilder().UseNpgsql("Host=127.0.0.1").Options);
        var definition = new FallbackEventDefinition(context.GetService<ILoggingOptions>(), new EventId(1), LogLevel.Debug, "bench", "bench");
        var connection = new NpgsqlConnection("Host=127.0.0.1");
        _command = new NpgsqlCommand("SELECT 1", connection);
        var commandId = Guid.NewGuid();
        _executed = new CommandExecutedEventData(definition, static (_, _) => "", connection, _command, "SELECT 1", null, DbCommandMethod.ExecuteReader,
            commandId, Guid.NewGuid(), null, async: false, logParameterValues: false, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1), CommandSource.LinqQuery);
        _disposing = new DataReaderDisposingEventData(definition, static (_, _) => "", _command, null!, null, commandId, Guid.NewGuid(), 0, 1,
            DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1));
    }

    [Benchmark(Baseline = true)]
    public int DoNothingInterceptor() => Run(_noOp);

    [Benchmark]
    public int QueryWatch() => Run(_queryWatch);

    private int Run(DbCommandInterceptor interceptor)
    {
        interceptor.ReaderExecuted(_command, _executed, null!);
        interceptor.DataReaderDisposing(_command, _disposing, default);
        var scalar = interceptor.ScalarExecutedAsync(_command, _executed, null);
        return interceptor.NonQueryExecuted(_command, _executed, 1) + (scalar.IsCompletedSuccessfully ? 1 : 0);
    }

    private sealed class NoOpCommandInterceptor : DbCommandInterceptor;
}
