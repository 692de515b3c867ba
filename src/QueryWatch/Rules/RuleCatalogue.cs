namespace QueryWatch.Rules;

/// <summary>Every rule QueryWatch ships, in id order.</summary>
internal static class RuleCatalogue
{
    public static IReadOnlyList<IPlanRule> All { get; } =
    [
        new QW001DistinctExistenceCheck(),
        new QW002IndexFilterMismatch(),
        new QW003CorrelatedSubplanPerRow(),
        new QW004NestedLoopInnerDiscard(),
        new QW005AggregateOverLargeInput(),
        new QW006JoinFilterDiscard(),
        new QW007RowMisestimate(),
        new QW008AntiJoinMissing(),
        new QW009SeqScanSelectiveFilter(),
        new QW010SortSpill(),
        new QW011HashSpill(),
        new QW012HeapFetches(),
        new QW013LossyBitmap(),
        new QW014LimitWalksIndex(),
        new QW015LargeOffset(),
        new QW016IoHeavyNode(),
        new QW017StaleStatistics(),
        new QW018FunctionOnFilteredColumn(),
        new QW019UnboundedResult(),
        new QW020WorkersNotLaunched(),
        new QW021PlanningOrJitDominates(),
        new QW022LateFilter(),
        new QW023TempSpill(),
        new QW024LockWait(),
        new QW025EarlyStopBet(),
        new QW026PlanChanged(),
        new QW027RepeatedStatement(),
    ];

    /// <summary>The rule with this id or name (case-insensitive), or null.</summary>
    public static IPlanRule? Find(string idOrName)
    {
        foreach (var rule in All)
        {
            if (string.Equals(rule.Id, idOrName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(rule.Name, idOrName, StringComparison.OrdinalIgnoreCase))
                return rule;
        }
        return null;
    }
}
