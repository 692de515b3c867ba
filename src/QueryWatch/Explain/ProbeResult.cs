namespace QueryWatch.Explain;

/// <summary>What a probe measured: of <see cref="Read"/> rows in the plan's order, <see cref="Passed"/> passed.</summary>
internal readonly record struct ProbeResult(long Passed, long Read, TimeSpan Elapsed);
