namespace QueryWatch.Diagnostics;

/// <summary>
/// Event ids of the <c>QueryWatch</c> logger category, in blocks per area. Append only: a retired id
/// keeps its number and is renamed <c>Obsolete_*</c>, never reused. Public so that log filters and
/// tests can name an event (<c>eventId.Id == QueryWatchEventId.Finding</c>) as they do Npgsql's.
/// </summary>
public static class QueryWatchEventId
{
    // 1xxx: capture (the interceptor)
    /// <summary>QueryWatch could not capture a command (logged once); the application's command was not affected.</summary>
    public const int CaptureFailed = 1001;
    /// <summary>The explain queue was full and captured commands were dropped (counted on <c>querywatch.queue.dropped</c>).</summary>
    public const int CaptureDropped = 1002;
    /// <summary>A command over the threshold was not captured: it is tagged <c>querywatch:ignore</c>.</summary>
    public const int CaptureIgnoredByTag = 1003;
    /// <summary>Commands of a context are not sampled while they run, and why.</summary>
    public const int InFlightNotSampled = 1010;
    /// <summary>A command was captured after the host stopped; it and later ones are dropped and counted.</summary>
    public const int CaptureAfterStop = 1004;
    /// <summary>The explain queue reached its byte budget; captures are dropped and counted.</summary>
    public const int CaptureOverByteBudget = 1005;

    // 2xxx: explain (the worker)
    /// <summary>EXPLAIN of a captured command failed on the server.</summary>
    public const int ExplainFailed = 2001;
    /// <summary>QueryWatch cannot explain on its connection; it backs off and drops captures meanwhile.</summary>
    public const int ExplainUnavailable = 2002;
    /// <summary>EXPLAIN ANALYZE was refused in the read-only transaction; the command was explained without ANALYZE.</summary>
    public const int ExplainAnalyzeRefused = 2003;
    /// <summary>A statement of a captured command is of a kind EXPLAIN cannot take.</summary>
    public const int ExplainStatementSkipped = 2004;
    /// <summary>A captured command was explained (debug): outcome, duration, statement, findings.</summary>
    public const int ExplainCompleted = 2005;
    /// <summary>The explain worker hit an unexpected error and carries on.</summary>
    public const int WorkerFailed = 2006;
    /// <summary>A captured command was not explained: <c>MaxExplainsPerMinute</c> was reached.</summary>
    public const int ExplainRateLimited = 2007;
    /// <summary>Reading table statistics or verifying index suggestions was skipped; the findings are logged without it.</summary>
    public const int AdviceUnavailable = 2008;
    /// <summary>EXPLAIN ANALYZE was not run: the plan calls volatile functions that can act outside the rolled-back transaction.</summary>
    public const int ExplainAnalyzeSkippedForVolatileFunctions = 2009;
    /// <summary>Captured parameters could not be bound again; the command was explained as a generic plan.</summary>
    public const int ExplainGenericPlan = 2010;
    /// <summary>Captured parameters could not be bound again and the server cannot explain a generic plan; not explained.</summary>
    public const int ExplainParametersUnbound = 2011;
    /// <summary>The explain session could not be reset; its connection was closed instead of returned to the pool.</summary>
    public const int ExplainSessionResetFailed = 2012;
    /// <summary>The explain worker did not stop in time and was abandoned.</summary>
    public const int WorkerStopAbandoned = 2013;
    /// <summary>A bounded probe measured a finding's bet.</summary>
    public const int ProbeMeasured = 2030;
    /// <summary>A finding was not probed, and why.</summary>
    public const int ProbeSkipped = 2031;
    /// <summary>A probe was cut at <c>ProbeTimeout</c>; the finding is reported without a measured figure.</summary>
    public const int ProbeTimedOut = 2032;
    /// <summary>A probe failed; the finding is reported without a measured figure.</summary>
    public const int ProbeFailed = 2033;
    /// <summary>A rule threw on a plan (logged once per rule; each failure is counted on <c>querywatch.rules.failed</c>).</summary>
    public const int RuleFailed = 2040;
    /// <summary>The live sampler cannot read <c>pg_stat_activity</c>; it backs off.</summary>
    public const int InFlightSamplerUnavailable = 2020;
    /// <summary>Commands running past the threshold were sampled (debug).</summary>
    public const int InFlightSampled = 2021;
    /// <summary>QueryWatch explains again after an outage of its server.</summary>
    public const int ExplainRecovered = 2014;
    /// <summary>EXPLAIN was refused for lack of a privilege; the event names the grant that would allow it.</summary>
    public const int ExplainRefused = 2015;
    /// <summary>A command reads a temporary table of the application's session, which QueryWatch's session cannot see; not explained.</summary>
    public const int ExplainSkippedSessionLocal = 2016;
    /// <summary>Captured commands older than <c>MaxCaptureAge</c> were dropped unexplained and counted.</summary>
    public const int StaleCapturesDropped = 2017;
    /// <summary>A command was not explained: some parameter values were larger than <c>MaxCapturedParameterBytes</c> and not kept.</summary>
    public const int ExplainParametersNotKept = 2018;
    /// <summary>The Store cannot be used (down, refusing, or its schema missing); QueryWatch falls back to the process's own cooldown and backs off.</summary>
    public const int StoreUnavailable = 2050;
    /// <summary>The Store is used again after it was unavailable.</summary>
    public const int StoreRecovered = 2051;
    /// <summary>Schema <c>querywatch</c> was created or upgraded (<c>Store:CreateSchema</c>).</summary>
    public const int StoreSchemaCreated = 2052;
    /// <summary>Store writes were dropped: the bounded buffer was full while the Store was unavailable.</summary>
    public const int StoreWritesDropped = 2053;
    /// <summary>Another instance holds the claim to explain a statement shape; this capture is only counted (debug).</summary>
    public const int StoreClaimLost = 2054;
    /// <summary>Captures and findings were written to the Store (debug).</summary>
    public const int StoreWritten = 2055;
    /// <summary>pg_stat_statements is not loaded or not readable: findings carry no Calls or TotalTimeMs.</summary>
    public const int StatementStatisticsUnavailable = 2056;
    /// <summary>A baseline plan of a fast command was recorded (debug): statement, shape hash, duration (issue #15).</summary>
    public const int BaselineRecorded = 2060;

    // 3xxx: findings
    /// <summary>A plan finding: rule, severity, basis, the command's fingerprint and context, the node, the fix.</summary>
    public const int Finding = 3001;
    /// <summary>A captured command raised no finding; its most expensive plan node is named.</summary>
    public const int MostExpensiveNode = 3002;
    /// <summary>A command with findings, as sent with its parameter values (only when <c>LogParameterValues</c> is on).</summary>
    public const int CommandValues = 3003;

    // 4xxx: rewrites
    /// <summary>A rewrite would apply to a command (suggest mode).</summary>
    public const int RewriteSuggested = 4001;
    /// <summary>A rewrite was verified for a command; its next executions are sent rewritten.</summary>
    public const int RewriteVerified = 4002;
    /// <summary>A rewrite was not applied to a command, and why.</summary>
    public const int RewriteRejected = 4003;
    /// <summary>A command was sent rewritten.</summary>
    public const int RewriteApplied = 4004;
    /// <summary>A rewrite was turned off for a command after the rewritten command failed at the server.</summary>
    public const int RewriteTurnedOff = 4005;
}
