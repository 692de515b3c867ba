namespace QueryWatch.Rewrites;

/// <summary>
/// The ids of the rewrite catalogue (DESIGN.md, "Rewrite catalogue"). Append-only: an id is
/// never renumbered or reused, so logs, metrics and the disable list keep their meaning.
/// </summary>
internal static class RewriteIds
{
    /// <summary><c>SELECT DISTINCT [ON (...)] ... LIMIT 1</c>: one row of a set and one row of its distinct set are interchangeable.</summary>
    public const string DistinctLimitOne = "RW001";

    /// <summary><c>EXISTS (SELECT DISTINCT ...)</c>: existence does not depend on duplicates.</summary>
    public const string DistinctInExists = "RW002";

    /// <summary><c>expr [NOT] IN (SELECT DISTINCT ...)</c>: membership does not depend on duplicates.</summary>
    public const string DistinctInMembership = "RW003";

    /// <summary><c>q.x NOT IN (SELECT col ...)</c> to <c>NOT EXISTS (SELECT 1 ... WHERE q.x = col)</c>: equal when the catalog proves neither side NULL.</summary>
    public const string NotInToNotExists = "RW004";
}
