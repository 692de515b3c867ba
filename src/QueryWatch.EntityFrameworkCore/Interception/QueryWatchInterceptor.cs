using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.EntityFrameworkCore.Infrastructure;
using QueryWatch.Explain;
using QueryWatch.Rewrites;

namespace QueryWatch.EntityFrameworkCore.Interception;

/// <summary>
/// Watches every EF command. The hot path compares a duration to the threshold and returns what it
/// was given: no allocation, no lock, no hashing, no logging. Only a command that is slow, cancelled,
/// timed out (or failed, when asked) goes on to <see cref="Capture"/>, and nothing there can throw
/// into the application. One instance serves every context of an internal service provider: it keeps
/// no per-command state. In rewrite Apply mode the Executing hooks also look the command's text up in
/// the book of verified rewrites (<see cref="RewriteApplier"/>); in every other mode they return at once.
/// With live sampling on, the Executing hooks note the command's start and backend pid in a fixed slot
/// table (<see cref="InFlightCommands"/>) and the ending hooks clear it: one compare-exchange each way.
/// The table is watched by the sampler of the first database a command of this interceptor runs on:
/// contexts that share this interceptor (same options) but talk to other servers are not sampled there.
/// With <c>RepeatedStatementThreshold</c> on, the ending hooks also count the command's text per DbContext
/// instance (<see cref="RepeatedStatements"/>: found by reference, no hash of the text, no lock); the one
/// execution that brings a statement to the threshold reads its context and hands QW027 to the thread pool.
/// </summary>
internal sealed class QueryWatchInterceptor : DbCommandInterceptor
{
    private readonly ReaderExecutionTimes _readerExecutionTimes = new();
    private readonly QueryWatchOptionsExtension _extension;
    private readonly TimeSpan _threshold;
    private readonly bool _enabled;
    private readonly bool _captureFailed;
    private readonly RewriteSettings? _rewrites;
    private readonly RewriteApplier? _applier;
    private readonly RepeatedStatements? _repeated;
    private InFlightCommands? _inFlight;
    private ExplainPipeline? _sampledBy;
    private int _failureLogged;

    // Issue #15: every _baselineEvery-th uncaptured command on a thread is offered for a baseline plan
    // (0: off). A per-thread countdown costs the hot path a read and a write of thread-local memory: no
    // lock, no shared cache line, no Random; the at-most-once-per-statement-per-hour check is the worker's.
    [ThreadStatic] private static int t_sinceBaseline;
    private readonly int _baselineEvery;

    public QueryWatchInterceptor(QueryWatchOptionsExtension extension)
    {
        _extension = extension;
        _threshold = extension.Options.SlowCommandThreshold;
        _enabled = extension.Options.Enabled;
        _captureFailed = extension.Options.ExplainFailedCommands;
        var baselineRate = extension.Options.BaselineSampleRate;
        if (_enabled && baselineRate > 0) _baselineEvery = (int)Math.Clamp(Math.Round(1 / baselineRate), 1, int.MaxValue);
        if (_enabled && extension.Options.InFlightSampleInterval > TimeSpan.Zero) _inFlight = new InFlightCommands(_threshold);
        // One book per interceptor, so per internal service provider: the contexts that share this
        // interceptor send the same texts (ExtensionInfo keeps contexts with other rewrite settings apart).
        if (_enabled && extension.Options.Rewrites.Mode != RewriteMode.Off)
        {
            _rewrites = RewriteSettings.Create(extension.Options.Rewrites, extension.EnvironmentName);
            if (_rewrites.Mode == RewriteMode.Apply) _applier = new RewriteApplier(_rewrites.Book);
        }

        if (_enabled && extension.Options.RepeatedStatementThreshold > 0) _repeated = new RepeatedStatements(extension.Options.RepeatedStatementThreshold);
    }

    /// <summary>The rewrite settings captures carry to the worker; null when rewrites are Off.</summary>
    internal RewriteSettings? Rewrites => _rewrites;

    /// <summary>The slot table of running commands; null when live sampling is off.</summary>
    internal InFlightCommands? InFlight => _inFlight;

    // Apply mode: the text is swapped before EF hands the command to Npgsql, so the server only ever
    // sees one of the two. Non-queries are never rewritten (the catalogue is SELECT-only).
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (_applier is not null) TryRewrite(command, eventData.Context);
        if (_inFlight is not null) Started(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (_applier is not null) TryRewrite(command, eventData.Context);
        if (_inFlight is not null) Started(command, eventData);
        return new ValueTask<InterceptionResult<DbDataReader>>(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        if (_applier is not null) TryRewrite(command, eventData.Context);
        if (_inFlight is not null) Started(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        if (_applier is not null) TryRewrite(command, eventData.Context);
        if (_inFlight is not null) Started(command, eventData);
        return new ValueTask<InterceptionResult<object>>(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (_inFlight is not null) Started(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (_inFlight is not null) Started(command, eventData);
        return new ValueTask<InterceptionResult<int>>(result);
    }

    // The command's backend is fixed while it runs (no multiplexing): its pid is what the sampler looks up.
    private void Started(DbCommand command, CommandEventData eventData)
    {
        try
        {
            if (_sampledBy is not { IsStopped: false } && !AttachSampler(command, eventData.Context)) return;
            if (command.Connection is not NpgsqlConnection connection) return;
            if (!_inFlight!.TryClaim(eventData.CommandId, connection.ProcessID)) QueryWatchMetrics.InFlightTableFull();
        }
        catch (Exception e)
        {
            // E.g. ProcessID on a connection with no bound backend: it would throw for every command.
            _inFlight = null;
            // The context's own extension: EF shares this interceptor between contexts whose options
            // differ only in what it does not read, the logger factory included.
            ReportOnce(Find(eventData.Context) ?? _extension, eventData.Context, e);
        }
    }

    // Once per interceptor (and again after a host restarted the pipelines): hand the slot table to the
    // sampler of this command's database. False when this interceptor's commands cannot be sampled.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AttachSampler(DbCommand command, DbContext? context)
    {
        var extension = Find(context) ?? _extension;
        if (command.Connection is NpgsqlConnection connection && new NpgsqlConnectionStringBuilder(connection.ConnectionString).Multiplexing)
        {
            // NpgsqlConnection.ProcessID has no single backend to name: commands share physical connections.
            _inFlight = null;
            var factory = extension.LoggerFactory ?? context?.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            Log.InFlightNotSampled(factory.CreateLogger(Log.Category), "Npgsql multiplexing gives a command no fixed backend");
            return false;
        }

        // The host stopped: no pipeline starts again, so nothing samples (issue #16).
        if (extension.GetPipeline(context, command) is not { } pipeline) return false;
        pipeline.Watch(_inFlight!);
        _sampledBy = pipeline;
        return true;
    }

    private void TryRewrite(DbCommand command, DbContext? context)
    {
        try
        {
            _applier!.Apply(command);
        }
        catch (Exception e)
        {
            ReportOnce(_extension, context, e);
        }
    }

    // Readers are judged when disposed, on execution plus reading: a query that returns its first
    // row fast and streams for seconds is slow for the application. DataReaderDisposing's Duration
    // counts from the reader's creation only, so the execution time is kept until then.
    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        if (_enabled) _readerExecutionTimes.Record(eventData.CommandId, eventData.Duration, eventData.CommandSource);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (_enabled) _readerExecutionTimes.Record(eventData.CommandId, eventData.Duration, eventData.CommandSource);
        return new ValueTask<DbDataReader>(result);
    }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (_enabled)
        {
            var samples = _inFlight?.End(eventData.CommandId);
            var duration = _readerExecutionTimes.Take(eventData.CommandId, out var source) + eventData.Duration;
            Completed(command, eventData.Context, duration, source, samples);
        }

        return result;
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        if (!_enabled) return result;
        var samples = _inFlight?.End(eventData.CommandId);
        Completed(command, eventData.Context, eventData.Duration, eventData.CommandSource, samples);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        if (!_enabled) return new ValueTask<object?>(result);
        var samples = _inFlight?.End(eventData.CommandId);
        Completed(command, eventData.Context, eventData.Duration, eventData.CommandSource, samples);
        return new ValueTask<object?>(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        if (!_enabled) return result;
        var samples = _inFlight?.End(eventData.CommandId);
        Completed(command, eventData.Context, eventData.Duration, eventData.CommandSource, samples);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (!_enabled) return new ValueTask<int>(result);
        var samples = _inFlight?.End(eventData.CommandId);
        Completed(command, eventData.Context, eventData.Duration, eventData.CommandSource, samples);
        return new ValueTask<int>(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        if (_enabled) Failed(command, eventData);
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (_enabled) Failed(command, eventData);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData)
    {
        if (_enabled) Capture(command, eventData.Context, CommandOutcome.Cancelled, eventData.Duration, eventData.CommandSource, _inFlight?.End(eventData.CommandId));
    }

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (_enabled) Capture(command, eventData.Context, CommandOutcome.Cancelled, eventData.Duration, eventData.CommandSource, _inFlight?.End(eventData.CommandId));
        return Task.CompletedTask;
    }

    private void Failed(DbCommand command, CommandErrorEventData eventData)
    {
        var samples = _inFlight?.End(eventData.CommandId);
        if (_applier is not null)
        {
            try
            {
                _applier.OnFailed(command, eventData.Exception);
            }
            catch (Exception e)
            {
                ReportOnce(_extension, eventData.Context, e);
            }
        }

        var outcome = Classify(eventData.Exception);
        if (outcome == CommandOutcome.Failed && !_captureFailed) return;
        Capture(command, eventData.Context, outcome, eventData.Duration, eventData.CommandSource, samples);
    }

    // Every command that completed, whichever hook saw it end: captured when slow, else perhaps offered for a
    // baseline plan; then counted for QW027. Inlined: the hot path pays no extra call for the fold.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Completed(DbCommand command, DbContext? context, TimeSpan duration, CommandSource? source, SampleLog? samples)
    {
        if (duration >= _threshold) Capture(command, context, CommandOutcome.Slow, duration, source, samples);
        else if (_baselineEvery != 0 && BaselineDue()) Capture(command, context, CommandOutcome.Baseline, duration, source);
        if (_repeated is not null) CountRepeated(command, context, duration, source);
    }

    private bool BaselineDue()
    {
        var since = t_sinceBaseline + 1;
        if (since < _baselineEvery)
        {
            t_sinceBaseline = since;
            return false;
        }

        t_sinceBaseline = 0;
        return true;
    }

    // A completed command only: one that failed or was cancelled is captured on its own. The text is EF's cached
    // string for a LINQ query shape, so the lookup compares references (RepeatedStatements).
    private void CountRepeated(DbCommand command, DbContext? context, TimeSpan duration, CommandSource? source)
    {
        if (context is null) return;
        try
        {
            var id = context.ContextId;
            if (command.CommandText is { } text && _repeated!.Count(context, id.InstanceId, id.Lease, text, duration, out var total))
                ReportRepeated(text, context, total, source);
        }
        catch (Exception e)
        {
            ReportOnce(_extension, context, e);
        }
    }

    // Once per DbContext instance (lease) and statement: read who sent it and the request it ran in on the
    // application's thread, then log on the thread pool.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReportRepeated(string sql, DbContext context, TimeSpan total, CommandSource? source)
    {
        var extension = Find(context) ?? _extension;
        var tags = QueryTags.Read(sql);
        if (tags.Ignore) return;
        var factory = extension.LoggerFactory ?? context.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var activity = System.Diagnostics.Activity.Current;
        var traceId = activity is null || activity.TraceId == default ? null : activity.TraceId.ToHexString();
        var who = new FindingContext(source?.ToString(), context.GetType().Name, tags.Tag, CommandCapture.Operation(), traceId);
        new RepeatedStatementReport(factory.CreateLogger(Log.Category), extension.Options, sql, _repeated!.Threshold, total, who).Queue();
    }

    /// <summary>What an exception from Npgsql means for QueryWatch.</summary>
    internal static CommandOutcome Classify(Exception exception) => exception switch
    {
        // Npgsql's CommandTimeout: it cancels on the server, then reports the timeout as the cause.
        NpgsqlException { InnerException: TimeoutException } => CommandOutcome.TimedOut,
        TimeoutException => CommandOutcome.TimedOut,
        // 57014 query_canceled: statement_timeout, or a cancel request (pg_cancel_backend, the caller's token).
        PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } => CommandOutcome.Cancelled,
        OperationCanceledException => CommandOutcome.Cancelled,
        NpgsqlException { InnerException: PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } } => CommandOutcome.Cancelled,
        _ => CommandOutcome.Failed,
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Capture(DbCommand command, DbContext? context, CommandOutcome outcome, TimeSpan duration, CommandSource? source, SampleLog? samples = null)
    {
        QueryWatchOptionsExtension extension = _extension;
        try
        {
            extension = Find(context) ?? _extension;
            var options = extension.Options;
            var sql = command.CommandText ?? "";
            var tags = QueryTags.Read(sql);
            if (tags.Ignore) return;
            if (outcome == CommandOutcome.Slow && tags.Threshold is { } own && duration < own) return;

            // A baseline was sampled already (BaselineSampleRate) and is no capture: SampleRate and the capture count are not its.
            if (outcome != CommandOutcome.Baseline)
            {
                QueryWatchMetrics.Captured(outcome.ToString());
                if (options.SampleRate < 1 && Random.Shared.NextDouble() >= options.SampleRate)
                {
                    QueryWatchMetrics.Explained("sampled_out");
                    return;
                }
            }

            if (extension.GetPipeline(context, command) is not { } pipeline)
            {
                // A baseline after the host stopped is nothing lost: no warning, no drop counted.
                if (outcome != CommandOutcome.Baseline) DroppedAfterStop(extension, context);
                return;
            }

            var captured = CommandCapture.Snapshot(command, outcome, duration, source?.ToString(), tags.Tag, _rewrites, options.MaxCapturedParameterBytes);
            // Who sent it, read only now that the command is captured: nothing of this on the uncaptured path.
            captured = captured with
            {
                DbContextType = context?.GetType().Name,
                Operation = CommandCapture.Operation(),
                Samples = samples?.Snapshot() ?? captured.Samples,
            };
            pipeline.TryEnqueue(captured);
        }
        catch (Exception e)
        {
            ReportOnce(extension, context, e);
        }
    }

    /// <summary>The host stopped its workers: a capture is counted, and the first one says so (issue #16).</summary>
    private static void DroppedAfterStop(QueryWatchOptionsExtension extension, DbContext? context)
    {
        QueryWatchMetrics.Dropped("stopped");
        if (extension.HostLifetime?.FirstCaptureAfterStop() != true) return;
        var factory = extension.LoggerFactory ?? context?.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        Log.CaptureAfterStop(factory.CreateLogger(Log.Category));
    }

    private static QueryWatchOptionsExtension? Find(DbContext? context)
        => context?.GetService<IDbContextOptions>().FindExtension<QueryWatchOptionsExtension>();

    private void ReportOnce(QueryWatchOptionsExtension extension, DbContext? context, Exception exception)
    {
        if (Interlocked.Exchange(ref _failureLogged, 1) != 0) return;
        try
        {
            var factory = extension.LoggerFactory ?? context?.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            Log.CaptureFailed(factory.CreateLogger(Log.Category), exception.GetType().Name, exception);
        }
        catch (Exception)
        {
            // The logger itself failed: there is nowhere left to report to, and the app must not see it.
        }
    }
}
