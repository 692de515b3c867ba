namespace QueryWatch.Explain;

/// <summary>One key column of an index: its name (null for an expression), DESC, NULLS FIRST.</summary>
internal sealed record ProbeIndexKey(string? Column, bool Descending, bool NullsFirst);
