namespace QueryWatch.Rules;

/// <summary>
/// Per-rule overrides, keyed in options by the rule's id (<c>QW004</c>) or name
/// (<c>nested-loop-inner-discard</c>). Anything left unset keeps the rule's default.
/// </summary>
public sealed class RuleOptions
{
    /// <summary>False turns the rule off. Default: true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Severity every finding of this rule is reported with; null keeps the rule's own.</summary>
    public RuleSeverity? Severity { get; set; }

    /// <summary>
    /// Threshold overrides by name (case-insensitive), e.g. <c>minLoops</c> = 5000. Names and defaults
    /// are listed on each rule's page (<c>docs/rules/QWnnn.md</c>) and by <c>querywatch rules</c>;
    /// unknown names are ignored.
    /// </summary>
    public IDictionary<string, double> Thresholds { get; } = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
}
