namespace QueryWatch.Rewrites;

/// <summary>
/// One DISTINCT clause a rewrite removes: the <c>DISTINCT</c> keyword, its <c>ON (...)</c> group
/// if any (with whatever lies between them), and the whitespace right after the clause.
/// </summary>
/// <param name="RewriteId">The catalogue id that justifies removing it (<see cref="RewriteIds"/>).</param>
/// <param name="Start">Offset of the <c>DISTINCT</c> keyword in the original SQL.</param>
/// <param name="Length">Number of characters removed.</param>
internal readonly record struct SqlRemovedRange(string RewriteId, int Start, int Length)
{
    /// <summary>Offset just past the removed characters.</summary>
    public int End => Start + Length;
}
