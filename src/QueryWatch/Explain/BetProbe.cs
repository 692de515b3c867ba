namespace QueryWatch.Explain;

/// <summary>
/// One probe, ready to send: a single read-only SELECT returning two counts (<c>passed</c>, <c>read</c>).
/// <see cref="Sql"/> holds the plan's own literals: it is never logged except normalized.
/// <see cref="ParameterCount"/> is the highest <c>$n</c> it uses (0 for none), bound positionally;
/// <see cref="Operators"/> the operators its conditions use.
/// </summary>
internal sealed record BetProbe(string Sql, int ParameterCount, ProbeTarget Target, IReadOnlyList<string> FilterColumns, IReadOnlyCollection<string> Operators);
