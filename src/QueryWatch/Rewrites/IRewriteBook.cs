using System.Diagnostics.CodeAnalysis;

namespace QueryWatch.Rewrites;

/// <summary>
/// The rewrites verified out of band, keyed by the exact command text the application sends (EF
/// produces one text per query shape). The seam for a book shared through PostgreSQL by a fleet of
/// processes (DESIGN.md, "Coming later"); the in-memory one serves one process.
/// </summary>
internal interface IRewriteBook
{
    /// <summary>
    /// The rewrite to send instead of <paramref name="commandText"/>, if one was verified and not turned off.
    /// Called for every command the interceptor sees in Apply mode: must not allocate, lock or throw.
    /// </summary>
    bool TryFind(string commandText, [NotNullWhen(true)] out VerifiedRewrite? rewrite);

    /// <summary>The entry whose rewritten text is <paramref name="commandText"/> (turned off or not): a sent rewrite that failed.</summary>
    bool TryFindRewritten(string commandText, [NotNullWhen(true)] out VerifiedRewrite? rewrite);

    /// <summary>
    /// True when <paramref name="originalSql"/> has an entry, verified (and not stale) or turned off: the worker does not
    /// verify it again. A stale entry (RW004 after ExplainCooldown) is verified anew and replaced by <see cref="TryAdd"/>.
    /// </summary>
    bool Contains(string originalSql);

    /// <summary>Records a verified rewrite; false when its original text already had an entry (which is kept).</summary>
    bool TryAdd(VerifiedRewrite rewrite);
}
