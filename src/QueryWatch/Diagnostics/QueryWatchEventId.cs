namespace QueryWatch.Diagnostics;

/// <summary>
/// Event ids of the <c>QueryWatch</c> logger category, in blocks per area. Append only: a retired id
/// keeps its number and is renamed <c>Obsolete_*</c>, never reused.
/// </summary>
internal static class QueryWatchEventId
{
    // 1xxx: capture (the interceptor)
    public const int CaptureFailed = 1001;
    public const int CaptureDropped = 1002;
    public const int CaptureIgnoredByTag = 1003;
    public const int InFlightNotSampled = 1010;
    public const int CaptureAfterStop = 1004;
    public const int CaptureOverByteBudget = 1005;

    // 2xxx: explain (the worker)
    public const int ExplainFailed = 2001;
    public const int ExplainUnavailable = 2002;
    public const int ExplainAnalyzeRefused = 2003;
    public const int ExplainStatementSkipped = 2004;
    public const int ExplainCompleted = 2005;
    public const int WorkerFailed = 2006;
    public const int ExplainRateLimited = 2007;
    public const int AdviceUnavailable = 2008;
    public const int ExplainAnalyzeSkippedForVolatileFunctions = 2009;
    public const int ExplainGenericPlan = 2010;
    public const int ExplainParametersUnbound = 2011;
    public const int ExplainSessionResetFailed = 2012;
    public const int WorkerStopAbandoned = 2013;
    public const int ProbeMeasured = 2030;
    public const int ProbeSkipped = 2031;
    public const int ProbeTimedOut = 2032;
    public const int ProbeFailed = 2033;
    public const int InFlightSamplerUnavailable = 2020;
    public const int InFlightSampled = 2021;
    public const int ExplainRecovered = 2014;
    public const int ExplainRefused = 2015;
    public const int ExplainSkippedSessionLocal = 2016;
    public const int StaleCapturesDropped = 2017;
    public const int ExplainParametersNotKept = 2018;

    // 3xxx: findings
    public const int Finding = 3001;
    public const int MostExpensiveNode = 3002;
    public const int CommandValues = 3003;

    // 4xxx: rewrites
    public const int RewriteSuggested = 4001;
    public const int RewriteVerified = 4002;
    public const int RewriteRejected = 4003;
    public const int RewriteApplied = 4004;
    public const int RewriteTurnedOff = 4005;
}
