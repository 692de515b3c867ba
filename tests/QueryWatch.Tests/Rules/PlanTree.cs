using QueryWatch.Plans;

namespace QueryWatch.Tests.Rules;

/// <summary>Builds small plan trees in code: <c>PlanTree.Of(new PlanNode { … }, child, child)</c>.</summary>
internal static class PlanTree
{
    public static PlanNode Of(PlanNode node, params PlanNode[] children)
    {
        foreach (var child in children) node.AddChild(child);
        return node;
    }

    public static Plan Plan(PlanNode root, double? executionTimeMs = null) =>
        new(root, PlanFormat.Json) { ExecutionTimeMs = executionTimeMs };

    public static PlanNode Cost(this PlanNode node, double startup, double total, double rows)
    {
        node.StartupCost = startup;
        node.TotalCost = total;
        node.PlanRows = rows;
        return node;
    }

    public static PlanNode Actual(this PlanNode node, double totalMs, double rows, double loops)
    {
        node.ActualStartupTimeMs = totalMs;
        node.ActualTotalTimeMs = totalMs;
        node.ActualRows = rows;
        node.ActualLoops = loops;
        return node;
    }

    public static PlanNode As(this PlanNode node, string relationship, string? subplanName = null)
    {
        node.ParentRelationship = relationship;
        node.SubplanName = subplanName;
        return node;
    }
}
