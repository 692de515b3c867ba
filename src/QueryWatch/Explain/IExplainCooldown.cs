namespace QueryWatch.Explain;

/// <summary>
/// Decides whether a statement shape may be explained now. One seam so that a fleet of processes
/// can later share the cooldown through PostgreSQL (an advisory lock or a small table).
/// </summary>
internal interface IExplainCooldown
{
    /// <summary>True, and the cooldown starts, when <paramref name="fingerprint"/> was not explained within the period.</summary>
    bool TryEnter(ulong fingerprint, DateTimeOffset now);

    /// <summary>
    /// Ends the cooldown <see cref="TryEnter"/> started at <paramref name="entered"/>: the attempt never
    /// reached a plan (the server was down), so the next capture of the shape may try again (issue #16).
    /// </summary>
    void Release(ulong fingerprint, DateTimeOffset entered);
}
