namespace QueryWatch.Explain.Store;

/// <summary>One finding as the worker hands it to the Store, already redacted unless values are logged.</summary>
internal sealed record StoredFinding(
    ulong Fingerprint,
    ulong CaptureFingerprint,
    string RuleId,
    string RuleName,
    string Severity,
    string? QueryId,
    string Sql,
    DateTimeOffset Seen,
    string Message,
    string Suggestion,
    string? Node,
    string? Plan,
    long? Calls,
    double? TotalTimeMs,
    double? MeanTimeMs,
    bool Redacted);
