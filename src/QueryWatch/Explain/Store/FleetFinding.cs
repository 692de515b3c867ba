namespace QueryWatch.Explain.Store;

/// <summary>
/// One finding as the Store aggregates it across a fleet: per (fingerprint, rule), with the figures
/// <c>querywatch report</c> ranks by. Every text is already redacted (normalized SQL, the plan's
/// constants replaced) unless the writing process logged values. The JSON form is a contract
/// (DESIGN.md, "Fleet CLI"); <see cref="Plan"/> and <see cref="Node"/> feed the HTML page's plan tree.
/// </summary>
/// <param name="RuleId">The rule's stable id (QW001...).</param>
/// <param name="RuleName">The rule's name (distinct-existence-check...).</param>
/// <param name="Severity">The highest severity seen: info, warning or critical.</param>
/// <param name="Fingerprint">The statement's fingerprint, 16 hex digits.</param>
/// <param name="QueryId">PostgreSQL's query identifier when the server computed one.</param>
/// <param name="Sql">The normalized statement.</param>
/// <param name="Count">Captures that raised the finding, all outcomes.</param>
/// <param name="SlowCount">Of those, commands that finished slow.</param>
/// <param name="CancelledCount">Of those, commands cancelled (by the app or a client timeout).</param>
/// <param name="TimedOutCount">Of those, commands ended by statement_timeout.</param>
/// <param name="Instances">Distinct application instances that captured it.</param>
/// <param name="CapturedMs">The summed duration of the captures, in milliseconds.</param>
/// <param name="Calls">pg_stat_statements' completed calls of the query id, when readable; else null.</param>
/// <param name="TotalTimeMs">pg_stat_statements' total execution time of the query id in ms, when readable; else null.</param>
/// <param name="FirstSeen">The first capture that raised it.</param>
/// <param name="LastSeen">The latest capture that raised it.</param>
/// <param name="Message">The latest finding message.</param>
/// <param name="Suggestion">The latest suggested fix.</param>
/// <param name="Node">The readable path of the flagged plan node in <see cref="Plan"/>.</param>
/// <param name="Plan">The latest plan, in PostgreSQL's JSON format, or null when none was kept.</param>
internal sealed record FleetFinding(
    string RuleId,
    string RuleName,
    string Severity,
    string Fingerprint,
    string? QueryId,
    string Sql,
    long Count,
    long SlowCount,
    long CancelledCount,
    long TimedOutCount,
    int Instances,
    double CapturedMs,
    long? Calls,
    double? TotalTimeMs,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string Message,
    string Suggestion,
    string? Node,
    string? Plan)
{
    /// <summary>
    /// What the finding's statement cost, in ms, the ranking key: the completed time pg_stat_statements
    /// counted (when known) plus the cancelled and timed-out time only QueryWatch saw. Without
    /// pg_stat_statements, the captured time stands for it.
    /// </summary>
    public double CostMs => TotalTimeMs is { } completed ? completed + UnfinishedMs : CapturedMs;

    /// <summary>The captured time of the executions that never finished; the Store keeps it beside <see cref="CapturedMs"/>.</summary>
    public double UnfinishedMs { get; init; }
}
