namespace QueryWatch.Rewrites;

/// <summary>
/// A proposed rewrite of one statement text: <see cref="RewrittenSql"/> is
/// <see cref="OriginalSql"/> with exactly <see cref="RemovedRanges"/> cut out, every other
/// character (parameters, comments, literals) kept byte for byte.
/// </summary>
/// <param name="RewriteIds">The distinct catalogue ids of the removed ranges, in text order (<c>["RW002", "RW003"]</c>).</param>
/// <param name="OriginalSql">The statement as the application sent it.</param>
/// <param name="RewrittenSql">The statement without the removed DISTINCT clauses.</param>
/// <param name="RemovedRanges">
/// The removed ranges, in ascending, non-overlapping order of <see cref="SqlRemovedRange.Start"/>. Empty for RW004
/// (<see cref="NotInRewriter"/>), which edits the NOT IN clause rather than cutting characters out.
/// </param>
/// <param name="LimitParameterName">
/// When an RW001 range depends on <c>LIMIT @p</c> (or <c>FETCH FIRST @p ROWS ONLY</c>), the
/// placeholder exactly as written in the SQL (<c>@__p_0</c>, <c>$1</c>, <c>:p</c>): the whole
/// rewrite holds only for an execution where that parameter is 1 (see
/// <see cref="DistinctRewriter.AppliesTo"/>). Null when the rewrite holds for every execution.
/// </param>
internal sealed record SqlRewrite(
    IReadOnlyList<string> RewriteIds,
    string OriginalSql,
    string RewrittenSql,
    IReadOnlyList<SqlRemovedRange> RemovedRanges,
    string? LimitParameterName);
