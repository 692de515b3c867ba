namespace QueryWatch.Explain;

/// <summary>
/// Decides whether a statement shape may be explained now: per process (<see cref="InMemoryExplainCooldown"/>) or
/// shared by a fleet through the Store (<see cref="Store.StoreExplainCooldown"/>, issue #14).
/// </summary>
internal interface IExplainCooldown
{
    /// <summary>True, and the cooldown starts, when <paramref name="fingerprint"/> was not explained within the period.</summary>
    bool TryEnter(ulong fingerprint, DateTimeOffset now);

    /// <summary>
    /// <see cref="TryEnter"/> for a cooldown that may ask a server (the Store's claim); the worker calls this one.
    /// Never throws for a server that is down: it decides by itself then.
    /// </summary>
    ValueTask<bool> TryEnterAsync(ulong fingerprint, DateTimeOffset now, CancellationToken ct) => new(TryEnter(fingerprint, now));

    /// <summary>
    /// Ends the cooldown <see cref="TryEnter"/> started at <paramref name="entered"/>: the attempt never
    /// reached a plan (the server was down), so the next capture of the shape may try again (issue #16).
    /// </summary>
    void Release(ulong fingerprint, DateTimeOffset entered);
}
