namespace QueryWatch.Explain;

/// <summary>The two bets over a single table a probe can measure.</summary>
internal enum BetShape
{
    /// <summary>An index walked in order, with a Filter, under a Limit: how many of the first rows pass the Filter.</summary>
    IndexWalk,

    /// <summary>A Nested Loop whose inner scan has a Filter: how many of the first outer rows find an inner row that passes.</summary>
    NestedLoop,
}
