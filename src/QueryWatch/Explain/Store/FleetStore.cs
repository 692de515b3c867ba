using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using QueryWatch.Diagnostics;

namespace QueryWatch.Explain.Store;

/// <summary>
/// The worker's side of the Store (issue #14): claims to explain a statement shape, and a bounded buffer of
/// capture counts, findings and plan shapes written in batches. Used by the explain worker only (one thread at a
/// time: no locks), never by the interceptor. A store that is down or refuses costs one warning, a back-off, and
/// <see cref="TryClaimAsync"/> answering null so the caller falls back to the process's own cooldown; what is
/// buffered meanwhile is kept up to the bound and written after recovery.
/// </summary>
internal sealed class FleetStore : IAsyncDisposable
{
    public const int MaxPendingCaptures = 1024;
    public const int MaxPendingFindings = 256;
    public const int MaxPendingPlans = 256;
    private static readonly TimeSpan s_flushInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _dataSource;
    private readonly StoreOptions _options;
    private readonly TimeSpan _cooldown;
    private readonly ILogger _logger;
    private readonly bool _valuesLogged;
    private readonly Dictionary<ulong, CaptureCounts> _captures = [];
    private readonly List<StoredFinding> _findings = [];
    private readonly Dictionary<(ulong Fingerprint, long ShapeHash), CaptureCounts> _plans = [];
    private readonly List<(ulong Fingerprint, DateTimeOffset ClaimedAt)> _releases = [];
    private bool _schemaReady;
    private TimeSpan _backoff = TimeSpan.Zero;
    private long _retryAt;
    private long _outageStarted;
    private int _failures;
    private long _dropped;
    private long _lastFlush = Environment.TickCount64;
    private (ulong Fingerprint, long Unfinished)? _lastClaim;

    public FleetStore(StoreOptions options, TimeSpan cooldown, ILogger logger, bool valuesLogged, string? instance = null)
    {
        _options = options;
        _cooldown = cooldown;
        _logger = logger;
        _valuesLogged = valuesLogged;
        Instance = instance ?? StoreInstance.Next();
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            ApplicationName = "QueryWatch store",
            Timeout = ExplainConnectionSettings.ConnectTimeoutSeconds,
            CommandTimeout = ExplainConnectionSettings.ConnectTimeoutSeconds,
            CancellationTimeout = ExplainConnectionSettings.CancellationTimeoutMilliseconds,
            MaxPoolSize = 2,
        };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>This instance's name in the Store (<see cref="StoreInstance"/>).</summary>
    public string Instance { get; }

    /// <summary>The longest wait between two attempts on a store that is down; internal so tests can shorten it.</summary>
    internal TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>True while the last attempt failed and the back-off has not passed: the caller uses its own cooldown.</summary>
    public bool IsBackingOff => _failures > 0 && Environment.TickCount64 < _retryAt;

    /// <summary>True when something waits to be written.</summary>
    public bool HasPending => _captures.Count > 0 || _findings.Count > 0 || _plans.Count > 0 || _releases.Count > 0;

    /// <summary>How long until the buffer should be written; null when nothing waits.</summary>
    public TimeSpan? FlushDueIn
    {
        get
        {
            if (!HasPending) return null;
            var now = Environment.TickCount64;
            var due = Math.Max(_lastFlush + (long)s_flushInterval.TotalMilliseconds, _failures > 0 ? _retryAt : 0);
            return TimeSpan.FromMilliseconds(Math.Max(0, due - now));
        }
    }

    /// <summary>Counts one capture of <paramref name="fingerprint"/> (explained or not) for the next write.</summary>
    public void RecordCapture(ulong fingerprint, CommandOutcome outcome, TimeSpan duration, DateTimeOffset at)
    {
        if (!_captures.TryGetValue(fingerprint, out var counts))
        {
            if (_captures.Count >= MaxPendingCaptures)
            {
                Drop();
                return;
            }
            _captures[fingerprint] = counts = new CaptureCounts(at);
        }
        counts.Add(outcome, duration, at);
    }

    /// <summary>The cancelled and timed-out captures of <paramref name="fingerprint"/> not written yet.</summary>
    public long PendingUnfinished(ulong fingerprint) => _captures.TryGetValue(fingerprint, out var c) ? c.Cancelled + c.TimedOut : 0;

    /// <summary>
    /// The fleet's count of cancelled and timed-out captures of <paramref name="fingerprint"/>, when the last claim was
    /// for it (read in the claim's round trip) plus those counted since; null otherwise.
    /// </summary>
    public long? FleetUnfinished(ulong fingerprint)
        => _lastClaim is { } claim && claim.Fingerprint == fingerprint ? claim.Unfinished + PendingUnfinished(fingerprint) : null;

    /// <summary>Keeps <paramref name="finding"/> for the next write.</summary>
    public void RecordFinding(StoredFinding finding)
    {
        if (_findings.Count >= MaxPendingFindings)
        {
            Drop();
            return;
        }
        _findings.Add(finding);
    }

    /// <summary>
    /// Counts one plan of <paramref name="fingerprint"/> whose shape hashes to <paramref name="shapeHash"/> (issue #15's
    /// PlanShape), captured after <paramref name="duration"/>, into <c>querywatch.plans</c>.
    /// </summary>
    public void RecordPlanShape(ulong fingerprint, long shapeHash, CommandOutcome outcome, TimeSpan duration, DateTimeOffset at)
    {
        if (!_plans.TryGetValue((fingerprint, shapeHash), out var counts))
        {
            if (_plans.Count >= MaxPendingPlans)
            {
                Drop();
                return;
            }
            _plans[(fingerprint, shapeHash)] = counts = new CaptureCounts(at);
        }
        counts.Add(outcome, duration, at);
    }

    /// <summary>
    /// Asks for the right to explain <paramref name="fingerprint"/> for the cooldown, writing the buffered capture
    /// counts in the same round trip. Null when the store cannot be used now: the caller decides by itself.
    /// </summary>
    public async ValueTask<StoreClaim?> TryClaimAsync(ulong fingerprint, CancellationToken ct)
    {
        if (IsBackingOff) return null;
        try
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(Command(StoreSql.Claim, Key(fingerprint), Instance, _cooldown.TotalSeconds));
            batch.BatchCommands.Add(Command(StoreSql.FleetUnfinished, Key(fingerprint)));
            var captures = AddCaptureWrites(batch);
            DateTimeOffset? claimedAt = null;
            long written;
            await using (var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(ct).ConfigureAwait(false)) claimedAt = reader.GetFieldValue<DateTimeOffset>(0);
                await reader.NextResultAsync(ct).ConfigureAwait(false);
                await reader.ReadAsync(ct).ConfigureAwait(false);
                written = reader.GetInt64(0);
            }

            var unfinished = written + PendingUnfinished(fingerprint);
            _captures.Clear();
            _lastClaim = (fingerprint, unfinished);
            Recovered();
            if (captures > 0) Log.StoreWritten(_logger, captures, 0, 0);
            return new StoreClaim(claimedAt is not null, claimedAt ?? default, unfinished);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Fail(e);
            return null;
        }
    }

    /// <summary>Gives up a claim <see cref="TryClaimAsync"/> won: the explain never reached a plan, another instance may try.</summary>
    public void Release(ulong fingerprint, DateTimeOffset claimedAt) => _releases.Add((fingerprint, claimedAt));

    /// <summary>Writes what is buffered in one batch; on failure keeps it (bounded) and backs off.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        _lastFlush = Environment.TickCount64;
        if (!HasPending || IsBackingOff) return;
        try
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            var captures = AddCaptureWrites(batch);
            // Rows in key order: two instances writing the same findings lock them in the same order.
            _findings.Sort(static (a, b) => (a.Fingerprint, a.RuleId).CompareTo((b.Fingerprint, b.RuleId)));
            foreach (var f in _findings) batch.BatchCommands.Add(FindingWrite(f));
            foreach (var ((fingerprint, shape), counts) in _plans)
            {
                batch.BatchCommands.Add(Command(StoreSql.PlanWrite, Key(fingerprint), shape, counts.First, counts.Last, counts.Count, counts.CapturedMs));
            }
            foreach (var (fingerprint, claimedAt) in _releases)
            {
                batch.BatchCommands.Add(Command(StoreSql.Release, Key(fingerprint), Instance, claimedAt));
            }

            if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            Log.StoreWritten(_logger, captures, _findings.Count, _plans.Count);
            _captures.Clear();
            _findings.Clear();
            _plans.Clear();
            _releases.Clear();
            Recovered();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Fail(e);
        }
    }

    private int AddCaptureWrites(NpgsqlBatch batch)
    {
        foreach (var (fingerprint, c) in _captures)
        {
            batch.BatchCommands.Add(Command(StoreSql.CaptureWrite,
                Key(fingerprint), Instance, c.First, c.Last, c.Slow, c.Cancelled, c.TimedOut, c.CapturedMs, c.UnfinishedMs));
        }
        return _captures.Count;
    }

    private static NpgsqlBatchCommand FindingWrite(StoredFinding f) => Command(StoreSql.FindingWrite,
        Key(f.Fingerprint), f.RuleId, Key(f.CaptureFingerprint), f.RuleName, f.Severity, Nullable(f.QueryId, NpgsqlDbType.Text), f.Sql, f.Seen,
        f.Message, f.Suggestion, Nullable(f.Node, NpgsqlDbType.Text), Nullable(f.Plan, NpgsqlDbType.Text), Nullable(f.Calls, NpgsqlDbType.Bigint),
        Nullable(f.TotalTimeMs, NpgsqlDbType.Double), Nullable(f.MeanTimeMs, NpgsqlDbType.Double), f.Redacted);

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        if (_schemaReady) return connection;
        try
        {
            var version = await StoreSchema.ReadVersionAsync(connection, ct).ConfigureAwait(false);
            if (version < StoreSchema.CurrentVersion)
            {
                if (!_options.CreateSchema) throw new StoreSchemaMissingException(version);
                var (before, after) = await StoreSchema.ApplyAsync(connection, ct).ConfigureAwait(false);
                if (after != before) Log.StoreSchemaCreated(_logger, before, after);
            }
            _schemaReady = true;
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Fail(Exception e)
    {
        var level = _failures == 0 ? LogLevel.Warning : LogLevel.Debug;
        if (_failures++ == 0) _outageStarted = Environment.TickCount64;
        var cap = MaxBackoff > TimeSpan.Zero ? MaxBackoff : s_firstBackoff;
        _backoff = _backoff == TimeSpan.Zero ? s_firstBackoff : TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, cap.Ticks));
        _retryAt = Environment.TickCount64 + (long)_backoff.TotalMilliseconds;
        // The schema may have been dropped or replaced meanwhile: look again on the next attempt.
        _schemaReady = false;
        if (_logger.IsEnabled(level)) Log.StoreUnavailable(_logger, level, Describe(e), _backoff.TotalSeconds, FixFor(e));
    }

    private void Recovered()
    {
        if (_dropped > 0)
        {
            Log.StoreWritesDropped(_logger, _dropped, MaxPendingFindings);
            _dropped = 0;
        }
        if (_failures == 0) return;
        Log.StoreRecovered(_logger, Math.Round((Environment.TickCount64 - _outageStarted) / 1000.0, 1), _failures);
        _failures = 0;
        _backoff = TimeSpan.Zero;
        _retryAt = 0;
    }

    private void Drop()
    {
        _dropped++;
        QueryWatchMetrics.Dropped("store");
    }

    private string Describe(Exception e)
    {
        var reason = e switch
        {
            StoreSchemaMissingException missing => missing.Message,
            PostgresException pg => pg.SqlState + " " + pg.MessageText,
            _ => e.GetType().Name + ": " + e.Message,
        };
        return _valuesLogged ? reason : FindingRedactor.RedactText(reason);
    }

    private static string FixFor(Exception e) => e switch
    {
        StoreSchemaMissingException => "Create it with `querywatch store init --connection ...` or docs/store.sql, or set Store:CreateSchema to true.",
        PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } =>
            "Grant the role USAGE on schema querywatch and SELECT, INSERT, UPDATE, DELETE on its tables (docs/store.sql).",
        PostgresException { SqlState: PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName } =>
            "Run `querywatch store init --connection ...` to upgrade schema querywatch.",
        _ => "Check Store:ConnectionString and that its server is up.",
    };

    private static long Key(ulong fingerprint) => unchecked((long)fingerprint);

    private static NpgsqlParameter Nullable<T>(T? value, NpgsqlDbType type) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = type };

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        return command;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
