namespace QueryWatch.Explain;

/// <summary>Why a command was captured. Logged by name as the <c>Outcome</c> property.</summary>
internal enum CommandOutcome
{
    /// <summary>It completed, over the slow-command threshold.</summary>
    Slow,

    /// <summary>The server cancelled it (SQLSTATE 57014: statement_timeout or a cancel request) or the caller's token did.</summary>
    Cancelled,

    /// <summary>Npgsql's command timeout expired.</summary>
    TimedOut,

    /// <summary>Any other error.</summary>
    Failed,

    /// <summary>
    /// It ran under the threshold and was offered for a baseline plan (<c>BaselineSampleRate</c>, issue #15):
    /// explained without ANALYZE, its plan's shape remembered, no finding logged.
    /// </summary>
    Baseline,
}
