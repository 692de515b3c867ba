using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Explain.Store;
using QueryWatch.Plans;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// The background loop: one captured command at a time, per-fingerprint cooldown, a per-minute
/// limit, one EXPLAIN per statement, rules, report. Nothing it does can reach the application:
/// every failure is logged, counted and, when the server is unreachable or refuses, backed off.
/// The back-off delays only the next attempt that would reach the server; a capture older than
/// <see cref="QueryWatchOptions.MaxCaptureAge"/> by then is dropped and counted (issue #16).
/// </summary>
internal sealed class ExplainWorker(
    ChannelReader<CapturedCommand> queue,
    NpgsqlDataSource dataSource,
    QueryWatchOptions options,
    ILogger logger,
    IPlanAnalyzer analyzer,
    IExplainCooldown cooldown,
    QueueByteBudget? bytes = null,
    FleetStore? store = null,
    IPlanHistory? history = null) : IAsyncDisposable
{
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromSeconds(1);

    private readonly StatementExplainer _explainer = new(dataSource, options.ExplainStatementTimeout, logger);
    private readonly PlanAdvice _advice = new(dataSource, logger);
    private readonly BetProbes _probes = new(dataSource, options, logger);
    private readonly ExplainRateLimiter _rateLimiter = new(options.MaxExplainsPerMinute);
    private readonly FindingReporter _reporter = new(logger, options.LogParameterValues);
    private readonly CostTimeCalibration _calibration = new();
    private RewriteVerifier? _rewrites;
    private readonly ServerFaults _faults = new(dataSource);
    private readonly PlanChanges _planChanges = new(dataSource, history ?? new InMemoryPlanHistory(), logger);
    private readonly StatementStatisticsReader _statistics = new(dataSource, logger);
    private readonly UnfinishedCounts _unfinished = new();
    private TimeSpan _backoff = TimeSpan.Zero;
    private long _retryAt;
    private long _outageStarted;
    private int _failedAttempts;
    private bool _unavailableThisCommand;
    private long _staleDropped;
    private long _handled;

    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>The plans recorded per statement (baselines and captures), issue #15.</summary>
    public IPlanHistory History => _planChanges.History;

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (await WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (queue.TryRead(out var command))
                {
                    bytes?.Release(command.RetainedBytes);
                    try
                    {
                        await HandleAsync(command, ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception e)
                    {
                        Log.WorkerFailed(logger, e.GetType().Name, e);
                    }
                    finally
                    {
                        Interlocked.Increment(ref _handled);
                    }

                    // A long burst never lets the queue run dry: the Store's buffer is written between captures too.
                    if (store?.FlushDueIn is { } due && due <= TimeSpan.Zero) await store.FlushAsync(ct).ConfigureAwait(false);
                }

                ReportStaleDropped();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            // What the Store has not been sent yet: one last bounded attempt while stopping.
            if (store is { HasPending: true })
            {
                using var last = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await store.FlushAsync(last.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Waits for the next capture; meanwhile writes the Store's buffer when it is due, so counts reach the Store
    /// within about a second of a burst even when no capture follows (issue #14).
    /// </summary>
    private async ValueTask<bool> WaitToReadAsync(CancellationToken ct)
    {
        while (store?.FlushDueIn is { } due)
        {
            if (due > TimeSpan.Zero)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(due);
                try
                {
                    return await queue.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                }
            }

            await store.FlushAsync(ct).ConfigureAwait(false);
            if (store.FlushDueIn is { } next && next <= TimeSpan.Zero) break;
        }

        return await queue.WaitToReadAsync(ct).ConfigureAwait(false);
    }

    private async Task HandleAsync(CapturedCommand command, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        // A baseline is no capture (issue #15): it is neither counted for the fleet nor held to the cooldown.
        if (command.Outcome == CommandOutcome.Baseline)
        {
            if (!DropIfStale(command, now)) await HandleBaselineAsync(command, now, ct).ConfigureAwait(false);
            return;
        }

        var whole = SqlFingerprint.ComputeId(command.Sql);
        // Every capture counts, explained or not: the fleet's ranking and CancelledCount rest on it (issue #14).
        store?.RecordCapture(whole, command.Outcome, command.Duration, command.CapturedAt);
        _unfinished.Record(whole, command.Outcome);
        if (DropIfStale(command, now)) return;
        ReportStaleDropped();
        if (!_rateLimiter.HasCapacity(now))
        {
            QueryWatchMetrics.Explained("rate_limited");
            Log.ExplainRateLimited(logger, whole.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), options.MaxExplainsPerMinute);
            return;
        }

        if (!await cooldown.TryEnterAsync(whole, now, ct).ConfigureAwait(false))
        {
            QueryWatchMetrics.Explained("cooldown");
            return;
        }

        // Only an attempt that reaches the server waits out the back-off; rate-limited and cooling
        // captures above cost nothing and never waited (issue #16: they used to sleep it each).
        if (!await WaitForRetryAsync(ct).ConfigureAwait(false) || DropIfStale(command, DateTimeOffset.UtcNow))
        {
            cooldown.Release(whole, now);
            return;
        }

        _unavailableThisCommand = false;
        _rateLimiter.TryAcquire(DateTimeOffset.UtcNow);
        var started = Stopwatch.GetTimestamp();
        using var activity = StartActivity(command);
        var statements = SqlStatementSplitter.Split(command.Sql);
        var anyFinding = false;
        (Plan Plan, SqlFingerprint Fingerprint)? mostExpensive = null;
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            var fingerprint = SqlFingerprint.Compute(statement.Text);
            if (!CanExplain(statement.Kind))
            {
                QueryWatchMetrics.Explained("skipped");
                Log.ExplainStatementSkipped(logger, fingerprint.IdHex, i, statement.Kind.ToString());
                continue;
            }

            var plan = await ExplainStatementAsync(command, statement, fingerprint, ct).ConfigureAwait(false);
            if (_unavailableThisCommand) break;
            if (plan is null) continue;
            var statistics = await _advice.ReadStatisticsAsync(plan.Value.Plan, fingerprint, ct).ConfigureAwait(false);
            if (plan.Value.Analyzed) _calibration.Learn(plan.Value.Plan);
            var prior = await _planChanges.PriorAsync(plan.Value.Plan, fingerprint, now, ct).ConfigureAwait(false);
            var findings = analyzer.Analyze(plan.Value.Plan, statement.Text, statistics, command.Observed with { MsPerCostUnit = _calibration.MsPerCostUnit, Prior = prior });
            findings = await _advice.VerifyIndexesAsync(findings, statement, command.Parameters, fingerprint, ct).ConfigureAwait(false);
            findings = await _probes.MeasureAsync(findings, plan.Value.Plan, statement, command, fingerprint, ct).ConfigureAwait(false);
            // The plan shape seen for the statement (issue #15's hash), for the plan history a fleet shares.
            store?.RecordPlanShape(fingerprint.Id, unchecked((long)PlanShape.Hash(plan.Value.Plan)), command.Outcome, command.Duration, command.CapturedAt);
            var impact = findings.Count > 0 ? await ImpactAsync(whole, plan.Value.Plan.QueryIdentifier, ct).ConfigureAwait(false) : default;
            var reported = _reporter.Report(command, fingerprint, plan.Value.Plan.QueryIdentifier, findings, activity, impact.Figures);
            if (store is not null && reported.Count > 0) Keep(command, whole, fingerprint, plan.Value.Plan.QueryIdentifier, plan.Value.Json, reported, impact);
            // After the rules: this run's shape is what the next run of the statement is compared with (QW026).
            if (command.Outcome != CommandOutcome.Failed)
                await _planChanges.RecordAsync(plan.Value.Plan, fingerprint, command.Duration, now, baseline: false, ct).ConfigureAwait(false);
            if (findings.Count > 0) _reporter.ReportValues(command, fingerprint, statement.Text);
            anyFinding |= findings.Count > 0;
            if (command.Rewrites is not null && statements.Count == 1)
            {
                _rewrites ??= new RewriteVerifier(_explainer, logger, options.LogParameterValues, dataSource, options.ExplainCooldown);
                await _rewrites.ConsiderAsync(command, plan.Value.Plan, fingerprint, ct).ConfigureAwait(false);
            }

            if (mostExpensive is null || (plan.Value.Plan.Root.TotalCost ?? 0) > (mostExpensive.Value.Plan.Root.TotalCost ?? 0))
                mostExpensive = (plan.Value.Plan, fingerprint);
            Log.ExplainCompletedEvent(logger, fingerprint.IdHex, command.Outcome.ToString(), (long)command.Duration.TotalMilliseconds, i,
                plan.Value.Analyzed, findings.Count, plan.Value.Plan.QueryIdentifier, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        if (!anyFinding && command.Outcome != CommandOutcome.Slow && mostExpensive is { } top)
        {
            _reporter.ReportMostExpensiveNode(command, top.Fingerprint, top.Plan.QueryIdentifier, top.Plan);
        }

        QueryWatchMetrics.ExplainDuration(Stopwatch.GetElapsedTime(started));
        // A failure to reach the server says nothing about the statement: its shape may try again
        // with the next capture instead of waiting out the whole cooldown (issue #16).
        if (_unavailableThisCommand) cooldown.Release(whole, now);
        else if (_backoff == TimeSpan.Zero) ReportRecovered();
    }

    /// <summary>
    /// A fast command offered for a baseline plan (issue #15): each statement without a baseline in the
    /// last hour is explained (never with ANALYZE: it was not slow) and its shape recorded; no finding is
    /// logged, the cooldown of captures is left alone, and a back-off or a full rate limit skips it.
    /// </summary>
    private async Task HandleBaselineAsync(CapturedCommand command, DateTimeOffset now, CancellationToken ct)
    {
        if (_retryAt > Environment.TickCount64)
        {
            QueryWatchMetrics.Explained("baseline_skipped");
            return;
        }

        _unavailableThisCommand = false;
        var statements = SqlStatementSplitter.Split(command.Sql);
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            if (!CanExplain(statement.Kind)) continue;
            var fingerprint = SqlFingerprint.Compute(statement.Text);
            if (await _planChanges.HasRecentBaselineAsync(fingerprint, now, ct).ConfigureAwait(false)) continue;
            if (!_rateLimiter.TryAcquire(DateTimeOffset.UtcNow))
            {
                QueryWatchMetrics.Explained("baseline_rate_limited");
                return;
            }

            var plan = await ExplainStatementAsync(command, statement, fingerprint, ct).ConfigureAwait(false);
            if (_unavailableThisCommand) return;
            if (plan is null) continue;
            var hash = await _planChanges.RecordAsync(plan.Value.Plan, fingerprint, command.Duration, now, baseline: true, ct).ConfigureAwait(false);
            // The fleet's plan history too, when there is a Store (counted as a sighting, not a capture).
            store?.RecordPlanShape(fingerprint.Id, unchecked((long)hash), command.Outcome, command.Duration, command.CapturedAt);
            Log.BaselineRecorded(logger, fingerprint.IdHex, PlanShape.Format(hash), (long)command.Duration.TotalMilliseconds);
        }
    }

    /// <summary>pg_stat_statements' figures for the query id, and the cancelled count: the Store's when it answered, else this process's.</summary>
    private async Task<(FindingImpact Figures, double? MeanTimeMs)> ImpactAsync(ulong whole, string? queryId, CancellationToken ct)
    {
        var statistics = await _statistics.ReadAsync(queryId, ct).ConfigureAwait(false);
        var cancelled = store?.FleetUnfinished(whole) ?? _unfinished.Of(whole);
        return (new FindingImpact(statistics?.Calls, statistics?.TotalTimeMs, cancelled), statistics?.MeanTimeMs);
    }

    /// <summary>Hands the reported findings to the Store's buffer, with the plan (redacted unless values are logged).</summary>
    private void Keep(CapturedCommand command, ulong whole, SqlFingerprint fingerprint, string? queryId, string json,
        IReadOnlyList<Rules.Finding> reported, (FindingImpact Figures, double? MeanTimeMs) impact)
    {
        var plan = options.LogParameterValues ? json : PlanJsonRedactor.Redact(json);
        foreach (var finding in reported)
        {
            store!.RecordFinding(new StoredFinding(fingerprint.Id, whole, finding.RuleId, finding.RuleName,
                Rules.PlanTreeWriter.Severity(finding.Severity), queryId, fingerprint.Normalized, command.CapturedAt, finding.Message, finding.Suggestion,
                finding.NodePath, plan, impact.Figures.Calls, impact.Figures.TotalTimeMs, impact.MeanTimeMs, Redacted: !options.LogParameterValues));
        }
    }

    /// <summary>Waits until the back-off after a failed attempt has passed; false when stopping.</summary>
    private async Task<bool> WaitForRetryAsync(CancellationToken ct)
    {
        var wait = _retryAt - Environment.TickCount64;
        if (wait <= 0) return true;
        await Task.Delay(TimeSpan.FromMilliseconds(wait), ct).ConfigureAwait(false);
        return !ct.IsCancellationRequested;
    }

    /// <summary>
    /// True when <paramref name="command"/> waited longer than MaxCaptureAge: it is counted, not explained.
    /// Never less than two back-offs: a capture made just after recovery, while the worker still sat out
    /// its last back-off, must not be dropped for that wait.
    /// </summary>
    private bool DropIfStale(CapturedCommand command, DateTimeOffset now)
    {
        var maxAge = options.MaxCaptureAge;
        if (options.MaxBackoff * 2 > maxAge) maxAge = options.MaxBackoff * 2;
        if (now - command.CapturedAt <= maxAge) return false;
        _staleDropped++;
        QueryWatchMetrics.Dropped("stale");
        return true;
    }

    /// <summary>One event for a run of stale captures, not one per capture.</summary>
    private void ReportStaleDropped()
    {
        if (_staleDropped == 0) return;
        Log.StaleCapturesDropped(logger, _staleDropped, options.MaxCaptureAge.TotalSeconds);
        _staleDropped = 0;
    }

    /// <summary>The next attempt that reaches the server waits; doubles per failure up to MaxBackoff.</summary>
    private void BackOff()
    {
        var cap = options.MaxBackoff > TimeSpan.Zero ? options.MaxBackoff : s_firstBackoff;
        _backoff = _backoff == TimeSpan.Zero ? s_firstBackoff : TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, cap.Ticks));
        if (_backoff > cap) _backoff = cap;
        _retryAt = Environment.TickCount64 + (long)_backoff.TotalMilliseconds;
    }

    private void ReportRecovered()
    {
        if (_failedAttempts == 0) return;
        Log.ExplainRecovered(logger, Math.Round((Environment.TickCount64 - _outageStarted) / 1000.0, 1), _failedAttempts);
        _failedAttempts = 0;
        _retryAt = 0;
    }

    private async Task<(Plan Plan, bool Analyzed, string Json)?> ExplainStatementAsync(CapturedCommand command, SqlStatement statement, SqlFingerprint fingerprint, CancellationToken ct)
    {
        // ANALYZE runs the statement again: only a slow read-only SELECT, never what was cancelled or timed out.
        var analyze = options.ExplainAnalyze && statement.IsReadOnlySelect && command.Outcome == CommandOutcome.Slow;
        try
        {
            StatementExplanation explained;
            try
            {
                explained = await _explainer.ExplainStatementAsync(statement, command.Parameters, analyze, ct).ConfigureAwait(false);
            }
            catch (PostgresException e) when (analyze && e.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
            {
                // A SELECT calling a function that writes: the READ ONLY transaction refused it, which is the point.
                Log.ExplainAnalyzeRefused(logger, fingerprint.IdHex, e.SqlState);
                QueryWatchMetrics.Explained("analyze_refused");
                explained = await _explainer.ExplainStatementAsync(statement, command.Parameters, analyze: false, ct).ConfigureAwait(false);
            }

            if (ReportExplainSafety(explained, analyze, fingerprint) is not { } json) return null;
            analyze = explained.Analyzed;
            _backoff = TimeSpan.Zero;
            var plan = JsonPlanParser.Parse(json);
            plan.ServerVersion = explained.ServerVersion;
            QueryWatchMetrics.Explained("explained");
            return (plan, analyze, json);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            // The first failure of an outage warns; the retries after it are debug, and recovery is one event.
            var level = _failedAttempts == 0 ? LogLevel.Warning : LogLevel.Debug;
            if (_failedAttempts++ == 0) _outageStarted = Environment.TickCount64;
            BackOff();
            _unavailableThisCommand = true;
            QueryWatchMetrics.Explained("unavailable");
            Log.ExplainUnavailable(logger, level, Describe(e), _backoff.TotalSeconds, options.MaxCaptureAge.TotalSeconds);
            return null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // A refusal is the server's answer, not an outage: the shape keeps its cooldown (it would be
            // refused again), the worker backs off, and each missing grant is named once (issue #16).
            BackOff();
            QueryWatchMetrics.Explained("refused");
            var refusal = await _faults.DescribeRefusalAsync(e, statement.Kind, ct).ConfigureAwait(false);
            Log.ExplainRefused(logger, refusal.FirstTime ? LogLevel.Warning : LogLevel.Debug, fingerprint.IdHex, e.SqlState,
                refusal.Role, refusal.ObjectKind, refusal.ObjectName, refusal.Grant, _backoff.TotalSeconds);
            return null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            if (await _faults.IsSessionLocalAsync(statement.Text, e, ct).ConfigureAwait(false))
            {
                // The application's temporary table lives in its own session; the worker's cannot see it.
                QueryWatchMetrics.Explained("session_local");
                Log.ExplainSkippedSessionLocal(logger, fingerprint.IdHex, e.SqlState);
                return null;
            }

            QueryWatchMetrics.Explained("failed");
            Log.ExplainFailed(logger, fingerprint.IdHex, e.SqlState, Describe(e));
            return null;
        }
        catch (ParameterNotKeptException)
        {
            QueryWatchMetrics.Explained("parameters_not_kept");
            var omitted = 0;
            foreach (var parameter in command.Parameters)
            {
                if (CommandCapture.IsSent(parameter) && !CommandCapture.CanRebind(parameter)) omitted++;
            }

            Log.ExplainParametersNotKept(logger, fingerprint.IdHex, omitted);
            return null;
        }
        catch (Exception e)
        {
            QueryWatchMetrics.Explained("failed");
            Log.ExplainFailed(logger, fingerprint.IdHex, (e as PostgresException)?.SqlState ?? "", Describe(e));
            return null;
        }
    }

    /// <summary>Logs why ANALYZE or the parameters were left out (issues #16, #11); the plan's JSON, or null when there is none.</summary>
    private string? ReportExplainSafety(StatementExplanation explained, bool analyzeAsked, SqlFingerprint fingerprint)
    {
        var version = explained.ServerVersion.ToString();
        if (explained.Json is null)
        {
            QueryWatchMetrics.Explained("parameters_unbound");
            Log.ExplainParametersUnbound(logger, fingerprint.IdHex, explained.UnboundParameters, version);
            return null;
        }

        if (explained.UnboundParameters > 0) Log.ExplainGenericPlan(logger, fingerprint.IdHex, explained.UnboundParameters, version);
        if (analyzeAsked && explained.UnsafeCalls.Count > 0)
        {
            QueryWatchMetrics.Explained("analyze_volatile");
            Log.ExplainAnalyzeSkippedForVolatileFunctions(logger, fingerprint.IdHex, string.Join(", ", explained.UnsafeCalls));
        }

        return explained.Json;
    }

    private static bool CanExplain(SqlStatementKind kind) => kind is SqlStatementKind.Select or SqlStatementKind.Insert
        or SqlStatementKind.Update or SqlStatementKind.Delete or SqlStatementKind.Merge or SqlStatementKind.Values or SqlStatementKind.Table;

    /// <summary>The server cannot be used at all (down, refusing logins, no such database): back off rather than retry per command.</summary>
    private static bool IsUnavailable(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("28", StringComparison.Ordinal) // invalid authorization
            || pg.SqlState.StartsWith("08", StringComparison.Ordinal)                 // connection exception
            || pg.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.AdminShutdown,
        NpgsqlException => true,
        TimeoutException => true,
        System.Net.Sockets.SocketException => true,
        _ => false,
    };

    /// <summary>
    /// A one-line reason without values. PostgreSQL's primary message can quote the value it
    /// rejected (<c>invalid input syntax for type integer: "…"</c>), so its quoted spans are
    /// redacted unless values may be logged; Detail, which can hold a row, is always left out.
    /// </summary>
    private string Describe(Exception e)
    {
        var reason = e switch
        {
            PostgresException pg => pg.SqlState + " " + pg.MessageText,
            _ => e.GetType().Name + ": " + e.Message,
        };
        return options.LogParameterValues ? reason : FindingRedactor.RedactText(reason);
    }

    private Activity? StartActivity(CapturedCommand command)
    {
        if (!QueryWatchActivity.Source.HasListeners()) return null;
        ActivityLink[]? links = command.ActivityContext == default ? null : [new ActivityLink(command.ActivityContext)];
        var activity = QueryWatchActivity.Source.StartActivity("QueryWatch explain", ActivityKind.Internal, parentContext: default, links: links);
        if (activity is null) return null;
        activity.SetTag("querywatch.outcome", command.Outcome.ToString());
        activity.SetTag("querywatch.duration_ms", (long)command.Duration.TotalMilliseconds);
        ExplainSpanTags.Set(activity, command, _databaseName ??= DatabaseName(), options.LogParameterValues);
        return activity;
    }

    private string? _databaseName;

    /// <summary>The database the worker explains in, the application's own: OpenTelemetry's <c>db.namespace</c>.</summary>
    private string DatabaseName()
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database ?? "";
        }
        catch (ArgumentException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (store is not null) await store.DisposeAsync().ConfigureAwait(false);
        await dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
