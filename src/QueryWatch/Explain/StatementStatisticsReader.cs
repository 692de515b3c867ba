using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.Diagnostics;

namespace QueryWatch.Explain;

/// <summary>
/// Reads pg_stat_statements' <c>calls</c>, <c>total_exec_time</c> and <c>mean_exec_time</c> for a finding's query id
/// (EXPLAIN VERBOSE's Query Identifier), summed across users in the current database, on the worker's connection,
/// cached briefly per query id (issue #14). Where the extension is not installed, not loaded or not readable the
/// reader says so once (2056) and stops asking for <see cref="RetryAfter"/>: no retry storm. An absent figure is null.
/// </summary>
internal sealed class StatementStatisticsReader(NpgsqlDataSource dataSource, ILogger logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(10);
    private const int MaxCached = 1024;

    private readonly Dictionary<long, (long At, StatementStatistics? Value)> _cache = [];
    private string? _view;
    private long _unavailableUntil;
    private bool _said;

    public async Task<StatementStatistics?> ReadAsync(string? queryId, CancellationToken ct)
    {
        // 0 is what a server without compute_query_id prints; it names no statement.
        if (queryId is null || !long.TryParse(queryId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) || id == 0) return null;
        var now = Environment.TickCount64;
        if (now < _unavailableUntil) return null;
        if (_cache.TryGetValue(id, out var cached) && now - cached.At < (long)CacheFor.TotalMilliseconds) return cached.Value;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            _view ??= await FindViewAsync(connection, ct).ConfigureAwait(false);
            if (_view is null)
            {
                Unavailable(LogLevel.Information, "the extension is not installed in this database",
                    "CREATE EXTENSION pg_stat_statements in the application's database (with shared_preload_libraries = pg_stat_statements) to rank findings by the time they cost.");
                return null;
            }

            await using var command = new NpgsqlCommand(
                "SELECT sum(calls)::bigint, sum(total_exec_time), sum(total_exec_time) / nullif(sum(calls), 0) FROM " + _view
                + " WHERE queryid = $1 AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())", connection)
            {
                Parameters = { new() { Value = id } },
            };
            StatementStatistics? value = null;
            await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(ct).ConfigureAwait(false) && !reader.IsDBNull(0))
                    value = new StatementStatistics(reader.GetInt64(0), reader.GetDouble(1), reader.IsDBNull(2) ? 0 : reader.GetDouble(2));
            }

            if (_cache.Count >= MaxCached) _cache.Clear();
            _cache[id] = (now, value);
            return value;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.ObjectNotInPrerequisiteState or PostgresErrorCodes.InsufficientPrivilege
                                              or PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedFunction)
        {
            _view = null;
            Unavailable(LogLevel.Information, e.SqlState + (e.SqlState == PostgresErrorCodes.ObjectNotInPrerequisiteState ? " the library is not loaded" : " not readable"),
                e.SqlState == PostgresErrorCodes.InsufficientPrivilege
                    ? "GRANT pg_read_all_stats to QueryWatch's role to read other roles' statements."
                    : "Add pg_stat_statements to shared_preload_libraries and restart the server.");
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The server being down is the worker's outage to report, not this reader's: ask again later.
            _unavailableUntil = Environment.TickCount64 + (long)CacheFor.TotalMilliseconds;
            Log.StatementStatisticsUnavailable(logger, LogLevel.Debug, e.GetType().Name, "It is read again later.");
            return null;
        }
    }

    private static async Task<string?> FindViewAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'", connection);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is string schema ? schema + ".pg_stat_statements" : null;
    }

    private void Unavailable(LogLevel level, string reason, string fix)
    {
        _unavailableUntil = Environment.TickCount64 + (long)RetryAfter.TotalMilliseconds;
        Log.StatementStatisticsUnavailable(logger, _said ? LogLevel.Debug : level, reason, fix);
        _said = true;
    }
}
