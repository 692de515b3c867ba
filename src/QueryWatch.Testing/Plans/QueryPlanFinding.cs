using QueryWatch.Rules;

namespace QueryWatch.Testing;

/// <summary>One rule's finding on an explained plan.</summary>
public sealed class QueryPlanFinding
{
    internal QueryPlanFinding(Finding finding)
    {
        RuleId = finding.RuleId;
        RuleName = finding.RuleName;
        Severity = finding.Severity;
        Node = finding.NodePath;
        Message = finding.Message;
        Suggestion = finding.Suggestion;
    }

    /// <summary>The rule id, <c>QW008</c>.</summary>
    public string RuleId { get; }

    /// <summary>The rule name, <c>anti-join-missing</c>.</summary>
    public string RuleName { get; }

    /// <summary>How serious it is.</summary>
    public RuleSeverity Severity { get; }

    /// <summary>A readable path to the plan node it is about.</summary>
    public string Node { get; }

    /// <summary>What is wrong.</summary>
    public string Message { get; }

    /// <summary>What to do about it.</summary>
    public string Suggestion { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{RuleId} {RuleName} ({Severity}) at {Node}: {Message}";
}
