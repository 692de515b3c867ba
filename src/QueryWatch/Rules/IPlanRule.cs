using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>One plan rule: its metadata and a check offered every node of the plan once.</summary>
internal interface IPlanRule
{
    /// <summary>Stable id, <c>QW001</c>…; never renumbered or reused.</summary>
    string Id { get; }

    /// <summary>Stable kebab-case name, <c>distinct-existence-check</c>.</summary>
    string Name { get; }

    RuleSeverity DefaultSeverity { get; }

    /// <summary>One line for <c>querywatch rules</c>.</summary>
    string Summary { get; }

    /// <summary>Threshold names and their defaults; overridable through <see cref="RuleOptions.Thresholds"/>.</summary>
    IReadOnlyDictionary<string, double> DefaultThresholds { get; }

    /// <summary>Looks at one node (the engine offers each node once, parents first) and reports through the context.</summary>
    void Inspect(RuleContext context, PlanNode node);
}
