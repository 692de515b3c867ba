using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>
/// Whether a finding is worth someone's time (issue #18): a warning only when its node carries a real share of
/// the statement's time or cost and either the statement was slow or the node's work is large in absolute terms.
/// A plan shape that is wrong in principle but cost a few milliseconds is info: a noisy tool gets switched off.
/// </summary>
internal static class Impact
{
    /// <summary>A statement that finished in less than this (ms) was not slow.</summary>
    public const double SlowMs = 100;

    /// <summary>A node carrying less than this share of the statement's time is not where the time went.</summary>
    public const double RealShare = 0.2;

    /// <summary>
    /// An index scan costing at least this much per row it is planned to return is planned to read many rows
    /// per row its Filter keeps: a row read and kept costs a fraction of a unit, or about one random page
    /// (4) at worst. Below it the planner expects most rows to pass, and a walk is long only if it is wrong.
    /// </summary>
    public const double SelectiveCostPerRow = 1;

    /// <summary>How long the statement ran in a plan taken with ANALYZE, in ms (0 without actuals).</summary>
    public static double StatementMs(Plan plan) => Math.Max(plan.Root.InclusiveTimeMs ?? 0, plan.ExecutionTimeMs ?? 0);

    /// <summary>
    /// Severity of a measured finding at <paramref name="node"/>: warning when the node took a real share of the
    /// statement's time and the statement was slow or <paramref name="largeWork"/> (the rule's own absolute
    /// measure, such as rows removed) holds; info otherwise. Without actuals, the rule's default.
    /// </summary>
    public static RuleSeverity? Measured(RuleContext context, PlanNode node, bool largeWork)
    {
        if (!context.HasActuals) return null;
        var total = StatementMs(context.Plan);
        if (total <= 0) return null;
        var share = (node.InclusiveTimeMs ?? 0) / total;
        return share >= RealShare && (total >= SlowMs || largeWork) ? RuleSeverity.Warning : RuleSeverity.Info;
    }

    /// <summary>
    /// The planner itself expects <paramref name="scan"/>'s Filter to discard most rows it reads: its cost per
    /// planned row is high (<see cref="SelectiveCostPerRow"/>). When false, a Limit above it expects an early stop
    /// it has every reason to get.
    /// </summary>
    public static bool PlannedSelective(PlanNode scan) =>
        scan.TotalCost is { } cost && cost / Math.Max(scan.PlanRows ?? 0, 1) >= SelectiveCostPerRow;
}
