using System.Text.RegularExpressions;

namespace QueryWatch.Plans;

/// <summary>
/// How many times the planner expects a node to run if the query runs to completion, read from the
/// plan's structure alone; the figure an estimated plan has instead of ANALYZE's loops.
/// </summary>
internal static partial class PlanExecutions
{
    public static double Of(PlanNode node)
    {
        if (node.Parent is not { } parent) return 1;
        var runs = parent.EstimatedExecutions;
        switch (node.ParentRelationship)
        {
            case "Inner" when parent.NodeType == "Nested Loop":
                // The inner side is rescanned once per row its outer side produces, on each run of the join.
                return Outer(parent) is { } outer ? outer.EstimatedExecutions * Math.Max(outer.PlanRows ?? 1, 1) : runs;
            case "SubPlan" when node.SubplanName is { } name:
                if (IsHashed(parent, name))
                {
                    // A hashed SubPlan is built once, and again only when a parameter it reads from an outer
                    // level changes (nodeSubplan.c rebuilds on chgParam): then once per rescan of the node that
                    // evaluates it. The planner charges the build to that node's startup cost either way.
                    return ReadsOuterParameters(node) ? runs : 1;
                }
                // Plain SubPlan: evaluated once per row of the node that holds it.
                return runs * Math.Max(parent.PlanRows ?? 1, 1);
            case "InitPlan":
                return 1;
            default:
                // Materialize and Hash read their input once per run of their parent's parent, however often they are rescanned.
                if (parent.NodeType is "Materialize" or "Hash" && parent.Parent is { } grand) return grand.EstimatedExecutions;
                return runs;
        }
    }

    /// <summary>The node holding <paramref name="name"/> checks it as <c>hashed SubPlan n</c>.</summary>
    public static bool IsHashed(PlanNode owner, string name)
    {
        var hashed = "hashed " + name;
        foreach (var condition in Conditions(owner))
        {
            if (condition.Contains(hashed, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>A condition under <paramref name="subPlan"/> reads a <c>$n</c> parameter set outside it (not by one of its own InitPlans).</summary>
    public static bool ReadsOuterParameters(PlanNode subPlan)
    {
        var own = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<PlanNode>();
        stack.Push(subPlan);
        var reads = new List<string>();
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n.SubplanName is { } label) foreach (Match m in Parameter().Matches(label)) own.Add(m.Value);
            foreach (var condition in Conditions(n)) foreach (Match m in Parameter().Matches(condition)) reads.Add(m.Value);
            foreach (var child in n.Children) stack.Push(child);
        }
        foreach (var p in reads) if (!own.Contains(p)) return true;
        return false;
    }

    private static PlanNode? Outer(PlanNode join)
    {
        foreach (var child in join.Children) if (child.ParentRelationship == "Outer") return child;
        return null;
    }

    /// <summary>All condition and output text on the node, where SubPlan references and outer parameters appear.</summary>
    public static IEnumerable<string> Conditions(PlanNode node)
    {
        if (node.Filter is { } f) yield return f;
        if (node.JoinFilter is { } jf) yield return jf;
        if (node.OneTimeFilter is { } of) yield return of;
        if (node.IndexCond is { } ic) yield return ic;
        if (node.RecheckCond is { } rc) yield return rc;
        if (node.HashCond is { } hc) yield return hc;
        if (node.MergeCond is { } mc) yield return mc;
        if (node.Output is { } output) foreach (var o in output) yield return o;
    }

    [GeneratedRegex(@"\$\d+\b", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();
}
