using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Rules;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// Looks at the backends of commands still running past the threshold, every interval, on its own
/// connection (Application Name <c>QueryWatch sampler</c>; never the application's): their state, what
/// they wait on and, for a lock wait, who holds it (<c>pg_blocking_pids</c>). Each tick first reads the
/// watched slot tables in memory; while no command is past its threshold it sends nothing at all.
/// A failing server costs one logged warning per outage and a back-off, never the application anything.
/// </summary>
internal sealed class InFlightSampler : IAsyncDisposable
{
    /// <summary>The Application Name the sampler's connection carries, so a DBA can tell it apart.</summary>
    public const string ApplicationName = "QueryWatch sampler";

    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromMinutes(1);

    // One row per sampled backend and blocker. pg_blocking_pids is only asked of a backend that waits
    // on a heavyweight lock: it takes the lock manager's partition locks, which is not free
    // (https://www.postgresql.org/docs/current/functions-info.html#FUNCTIONS-INFO-SESSION).
    private const string Query = """
        SELECT a.pid, a.state, a.wait_event_type, a.wait_event,
               b.pid, b.application_name, b.state, EXTRACT(epoch FROM now() - b.xact_start)::float8, b.query
        FROM pg_stat_activity a
        LEFT JOIN LATERAL unnest(CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) END) AS blocker(pid) ON true
        LEFT JOIN pg_stat_activity b ON b.pid = blocker.pid
        WHERE a.pid = ANY($1)
        ORDER BY a.pid
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _interval;
    private readonly bool _logParameterValues;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<DueCommand> _due = [];
    private readonly Lock _gate = new();
    private InFlightCommands[] _tables = [];
    private Task? _running;
    private long _queriesSent;
    private int _disposed;
    private long _retryAt;
    private TimeSpan _backoff;

    public InFlightSampler(string connectionString, TimeSpan interval, bool logParameterValues, ILogger logger)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = ApplicationName,
            // pg_stat_activity is about the backends, not a session: one connection, its own backend.
            MaxPoolSize = 1,
            Multiplexing = false,
            CommandTimeout = 5,
        };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _interval = interval;
        _logParameterValues = logParameterValues;
        _logger = logger;
    }

    /// <summary>Sampling queries sent to the server so far.</summary>
    public long QueriesSent => Interlocked.Read(ref _queriesSent);

    /// <summary>Samples the commands of <paramref name="table"/> from now on; starts the loop with the first table.</summary>
    public void Watch(InFlightCommands table)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || Array.IndexOf(_tables, table) >= 0) return;
            table.Advance(Environment.TickCount64);
            _tables = [.. _tables, table];
            if (_running is not null) return;
            // The loop must not inherit the first caller's Activity, culture or AsyncLocals.
            using (ExecutionContext.SuppressFlow())
            {
                _running = Task.Run(() => RunAsync(_stopping.Token));
            }
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await SampleOnceAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    BackOff(e);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>One tick: the due commands from memory, then (only if there are any) one query for all of them.</summary>
    internal async Task<int> SampleOnceAsync(CancellationToken ct)
    {
        if (Environment.TickCount64 < Interlocked.Read(ref _retryAt)) return 0;
        _due.Clear();
        var now = Environment.TickCount64;
        foreach (var table in Volatile.Read(ref _tables))
        {
            table.Advance(now);
            table.CollectDue(now, _interval, _due);
        }

        if (_due.Count == 0) return 0;

        var pids = new int[_due.Count];
        for (var i = 0; i < pids.Length; i++) pids[i] = _due[i].ProcessId;
        var activity = await ReadActivityAsync(pids, ct).ConfigureAwait(false);
        _backoff = TimeSpan.Zero;

        var taken = 0;
        foreach (var due in _due)
        {
            if (!activity.TryGetValue(due.ProcessId, out var seen)) continue;
            due.Table.Add(due, seen with { Elapsed = due.Elapsed });
            taken++;
        }

        QueryWatchMetrics.InFlightSampled(taken);
        Log.InFlightSampled(_logger, _due.Count, taken);
        return taken;
    }

    private async Task<Dictionary<int, ActivitySample>> ReadActivityAsync(int[] pids, CancellationToken ct)
    {
        var found = new Dictionary<int, (ActivitySample Sample, List<BlockingProcess> Blockers)>();
        Interlocked.Increment(ref _queriesSent);
        await using (var command = _dataSource.CreateCommand(Query))
        {
            command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = pids });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var pid = reader.GetInt32(0);
                if (!found.TryGetValue(pid, out var entry))
                {
                    entry = (new ActivitySample(TimeSpan.Zero, Text(reader, 1), Text(reader, 2), Text(reader, 3), []), []);
                    found.Add(pid, entry);
                }

                if (reader.IsDBNull(4)) continue;
                entry.Blockers.Add(new BlockingProcess(
                    reader.GetInt32(4),
                    Text(reader, 5) is { Length: > 0 } name ? name : null,
                    Text(reader, 6),
                    reader.IsDBNull(7) ? null : TimeSpan.FromSeconds(reader.GetDouble(7)),
                    Statement(Text(reader, 8))));
            }
        }

        var samples = new Dictionary<int, ActivitySample>(found.Count);
        foreach (var (pid, entry) in found)
            samples.Add(pid, entry.Blockers.Count == 0 ? entry.Sample : entry.Sample with { Blockers = entry.Blockers.ToArray() });
        return samples;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    // The blocker's statement holds its literals: normalized unless the user opted in to values.
    // Another role's query reads "<insufficient privilege>" without pg_read_all_stats.
    private string? Statement(string? query)
    {
        if (string.IsNullOrWhiteSpace(query) || query.StartsWith("<insufficient privilege>", StringComparison.Ordinal)) return null;
        return _logParameterValues ? query : SqlFingerprint.Compute(query).Normalized;
    }

    private void BackOff(Exception exception)
    {
        var first = _backoff == TimeSpan.Zero;
        _backoff = first ? _interval : TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, s_maxBackoff.Ticks));
        Interlocked.Exchange(ref _retryAt, Environment.TickCount64 + (long)_backoff.TotalMilliseconds);
        QueryWatchMetrics.InFlightSampleFailed();
        // The sampler's own query carries no application value: its errors can be logged as they are.
        var reason = exception is PostgresException pg ? pg.SqlState + ": " + pg.MessageText : exception.Message;
        if (first) Log.InFlightSamplerUnavailable(_logger, exception.GetType().Name, reason, _backoff.TotalSeconds);
    }

    /// <summary>Stops the loop; samples already hung on slots stay with their commands.</summary>
    public async Task StopAsync()
    {
        Task? running;
        lock (_gate)
        {
            if (Volatile.Read(ref _disposed) != 0) return;
            _stopping.Cancel();
            running = _running;
        }

        if (running is not null)
        {
            try
            {
                await running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        // The pipeline's StopAsync and DisposeAsync both get here.
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
