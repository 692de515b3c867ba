namespace QueryWatch.Explain;

/// <summary>
/// Decides whether a statement shape may be explained now. One seam so that a fleet of processes
/// can later share the cooldown through PostgreSQL (an advisory lock or a small table).
/// </summary>
internal interface IExplainCooldown
{
    /// <summary>True, and the cooldown starts, when <paramref name="fingerprint"/> was not explained within the period.</summary>
    bool TryEnter(ulong fingerprint, DateTimeOffset now);
}
