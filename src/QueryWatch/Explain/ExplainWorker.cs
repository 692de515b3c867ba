using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueryWatch.Diagnostics;
using QueryWatch.Plans;
using QueryWatch.Sql;

namespace QueryWatch.Explain;

/// <summary>
/// The background loop: one captured command at a time, per-fingerprint cooldown, a per-minute
/// limit, one EXPLAIN per statement, rules, report. Nothing it does can reach the application:
/// every failure is logged, counted and, when the server is unreachable, backed off.
/// </summary>
internal sealed class ExplainWorker(
    ChannelReader<CapturedCommand> queue,
    NpgsqlDataSource dataSource,
    QueryWatchOptions options,
    ILogger logger,
    IPlanAnalyzer analyzer,
    IExplainCooldown cooldown) : IAsyncDisposable
{
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromMinutes(5);

    private readonly StatementExplainer _explainer = new(dataSource, options.ExplainStatementTimeout, logger);
    private readonly PlanAdvice _advice = new(dataSource, logger);
    private readonly BetProbes _probes = new(dataSource, options, logger);
    private readonly ExplainRateLimiter _rateLimiter = new(options.MaxExplainsPerMinute);
    private readonly FindingReporter _reporter = new(logger, options.LogParameterValues);
    private readonly CostTimeCalibration _calibration = new();
    private RewriteVerifier? _rewrites;
    private TimeSpan _backoff = TimeSpan.Zero;
    private long _handled;

    public long Handled => Interlocked.Read(ref _handled);

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (await queue.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (queue.TryRead(out var command))
                {
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

                    if (_backoff > TimeSpan.Zero) await Task.Delay(_backoff, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task HandleAsync(CapturedCommand command, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var whole = SqlFingerprint.ComputeId(command.Sql);
        if (!_rateLimiter.HasCapacity(now))
        {
            QueryWatchMetrics.Explained("rate_limited");
            Log.ExplainRateLimited(logger, whole.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), options.MaxExplainsPerMinute);
            return;
        }

        if (!cooldown.TryEnter(whole, now))
        {
            QueryWatchMetrics.Explained("cooldown");
            return;
        }

        _rateLimiter.TryAcquire(now);
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
            if (plan is null) continue;
            var statistics = await _advice.ReadStatisticsAsync(plan.Value.Plan, fingerprint, ct).ConfigureAwait(false);
            if (plan.Value.Analyzed) _calibration.Learn(plan.Value.Plan);
            var findings = analyzer.Analyze(plan.Value.Plan, statement.Text, statistics, command.Observed with { MsPerCostUnit = _calibration.MsPerCostUnit });
            findings = await _advice.VerifyIndexesAsync(findings, statement, command.Parameters, fingerprint, ct).ConfigureAwait(false);
            findings = await _probes.MeasureAsync(findings, plan.Value.Plan, statement, command, fingerprint, ct).ConfigureAwait(false);
            _reporter.Report(command, fingerprint, plan.Value.Plan.QueryIdentifier, findings, activity);
            if (findings.Count > 0) _reporter.ReportValues(command, fingerprint, statement.Text);
            anyFinding |= findings.Count > 0;
            if (command.Rewrites is not null && statements.Count == 1)
            {
                _rewrites ??= new RewriteVerifier(_explainer, logger, options.LogParameterValues);
                await _rewrites.ConsiderAsync(command, plan.Value.Plan, fingerprint, ct).ConfigureAwait(false);
            }

            if (mostExpensive is null || (plan.Value.Plan.Root.TotalCost ?? 0) > (mostExpensive.Value.Plan.Root.TotalCost ?? 0))
                mostExpensive = (plan.Value.Plan, fingerprint);
            Log.ExplainCompleted(logger, fingerprint.IdHex, command.Outcome.ToString(), (long)command.Duration.TotalMilliseconds, i,
                plan.Value.Analyzed, findings.Count, plan.Value.Plan.QueryIdentifier, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        if (!anyFinding && command.Outcome != CommandOutcome.Slow && mostExpensive is { } top)
        {
            _reporter.ReportMostExpensiveNode(command, top.Fingerprint, top.Plan.QueryIdentifier, top.Plan);
        }

        QueryWatchMetrics.ExplainDuration(Stopwatch.GetElapsedTime(started));
    }

    private async Task<(Plan Plan, bool Analyzed)?> ExplainStatementAsync(CapturedCommand command, SqlStatement statement, SqlFingerprint fingerprint, CancellationToken ct)
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
            return (plan, analyze);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            _backoff = _backoff == TimeSpan.Zero ? s_firstBackoff : TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, s_maxBackoff.Ticks));
            QueryWatchMetrics.Explained("unavailable");
            Log.ExplainUnavailable(logger, Describe(e), _backoff.TotalSeconds);
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

    private static Activity? StartActivity(CapturedCommand command)
    {
        if (!QueryWatchActivity.Source.HasListeners()) return null;
        ActivityLink[]? links = command.ActivityContext == default ? null : [new ActivityLink(command.ActivityContext)];
        var activity = QueryWatchActivity.Source.StartActivity("QueryWatch explain", ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag("querywatch.outcome", command.Outcome.ToString());
        activity?.SetTag("querywatch.duration_ms", (long)command.Duration.TotalMilliseconds);
        return activity;
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
