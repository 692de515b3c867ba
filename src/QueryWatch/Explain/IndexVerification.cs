namespace QueryWatch.Explain;

/// <summary>What checking a proposed index with hypopg showed.</summary>
internal enum IndexVerificationOutcome
{
    /// <summary>The planner used the hypothetical index and the plan got cheaper.</summary>
    Verified,

    /// <summary>The planner ignored the index, or using it made the plan no cheaper: the proposal is dropped.</summary>
    NotUsed,

    /// <summary>No check was possible (no hypopg in the database, an error); the proposal stands, marked so.</summary>
    NotVerified,
}

/// <summary>The outcome with the statement's planned total cost before and after the hypothetical index, when known.</summary>
internal sealed record IndexVerification(IndexVerificationOutcome Outcome, double? CostBefore, double? CostAfter, string? IndexName, string? Reason)
{
    public static IndexVerification Verified(double before, double after, string indexName) =>
        new(IndexVerificationOutcome.Verified, before, after, indexName, null);

    public static IndexVerification NotUsed(double before, double after, string reason) =>
        new(IndexVerificationOutcome.NotUsed, before, after, null, reason);

    public static IndexVerification NotVerified(string reason) =>
        new(IndexVerificationOutcome.NotVerified, null, null, null, reason);
}
