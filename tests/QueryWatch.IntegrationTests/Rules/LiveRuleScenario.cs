namespace QueryWatch.IntegrationTests.Rules;

/// <summary>
/// A bad query and the same query fixed. <paramref name="BadNode"/> is a node the bad plan must show
/// (its TEXT heading), so a plan shape that stopped reproducing fails loudly instead of passing
/// vacuously; <paramref name="FiresAnalyzed"/> are the rules its ANALYZE plan raises and
/// <paramref name="FiresEstimated"/> those its estimated plan raises already. The fixed query raises none.
/// </summary>
internal sealed record LiveRuleScenario(
    string Name,
    LiveQuery Bad,
    LiveQuery Fixed,
    string BadNode,
    IReadOnlyList<string> FiresAnalyzed,
    IReadOnlyList<string> FiresEstimated);
