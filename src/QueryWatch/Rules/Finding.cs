using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>
/// What one rule found at one plan node. <see cref="Weight"/> is the node's share (0..1) of the
/// plan's time (ANALYZE) or cost (estimated plans); findings are ranked by it.
/// </summary>
/// <see cref="Basis"/> says what it rests on (actual figures, estimates, the command's duration or samples, a probe).
/// <see cref="Evidence"/> holds machine-readable figures (invariant culture, no separators) for the JSON output.
internal sealed record Finding(
    string RuleId,
    string RuleName,
    RuleSeverity Severity,
    PlanNode Node,
    string NodePath,
    string Message,
    string Suggestion,
    IReadOnlyList<KeyValuePair<string, string>> Evidence,
    double Weight,
    FindingBasis Basis);
