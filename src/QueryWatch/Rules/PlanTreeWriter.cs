using System.Globalization;
using System.Text;
using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>
/// Prints a plan as an indented tree, one line per node: what it is, rows estimated against
/// actual, loops, its own time (or cost) and share, rows thrown away; the costliest nodes are
/// marked and each finding is flagged at its node. ANSI colour only when asked for.
/// </summary>
internal sealed class PlanTreeWriter
{
    private const int CostliestMarked = 3;
    private const double MarkedShare = 0.10;
    private readonly TextWriter _out;
    private readonly bool _colour;

    public PlanTreeWriter(TextWriter output, bool colour)
    {
        _out = output;
        _colour = colour;
    }

    public void Write(Plan plan, IReadOnlyList<Finding> findings)
    {
        var nodes = plan.Nodes;
        var useTime = plan.HasActuals && plan.Root.InclusiveTimeMs is > 0;
        // Shares are of the sum of every node's own figure: under a Limit the root's cost is far
        // below what its children would cost run to completion, so it is no denominator.
        var total = 0.0;
        foreach (var node in nodes) total += Own(node, useTime) ?? 0;
        var costliest = Costliest(nodes, useTime, total);

        var findingsByNode = new Dictionary<PlanNode, List<Finding>>();
        foreach (var finding in findings)
        {
            if (!findingsByNode.TryGetValue(finding.Node, out var list)) findingsByNode[finding.Node] = list = [];
            list.Add(finding);
        }

        var header = plan.HasActuals
            ? $"Plan (ANALYZE): {Ms(plan.ExecutionTimeMs ?? plan.Root.InclusiveTimeMs)} execution, {Ms(plan.PlanningTimeMs)} planning"
            : $"Plan (estimated): total cost {Number(plan.Root.TotalCost)}";
        _out.WriteLine(Style(header, "1"));

        // Iterative walk with the guide prefix per depth: deep pastes must not overflow the stack.
        var stack = new Stack<(PlanNode Node, string Prefix, bool Last, bool IsRoot)>();
        stack.Push((plan.Root, "", true, true));
        var line = new StringBuilder();
        while (stack.Count > 0)
        {
            var (node, prefix, last, isRoot) = stack.Pop();
            if (node.SubplanName is { } subplan && !isRoot)
                _out.WriteLine(prefix + (last ? "   " : "│  ") + Style(subplan, "2"));

            line.Clear();
            line.Append(prefix);
            if (!isRoot) line.Append(last ? "└─ " : "├─ ");
            var hot = costliest.Contains(node);
            line.Append(Style(node.DisplayName, hot ? "1;31" : "1"));
            AppendFigures(line, node, useTime, total, hot);
            if (findingsByNode.TryGetValue(node, out var here))
            {
                foreach (var finding in here)
                    line.Append("  ").Append(Style($"[{finding.RuleId} {Severity(finding.Severity)}]", SeverityColour(finding.Severity)));
            }
            _out.WriteLine(line.ToString());

            var childPrefix = isRoot ? "" : prefix + (last ? "   " : "│  ");
            var children = node.Children;
            for (var i = children.Count - 1; i >= 0; i--)
                stack.Push((children[i], childPrefix, i == children.Count - 1, false));
        }
    }

    private void AppendFigures(StringBuilder line, PlanNode node, bool useTime, double total, bool hot)
    {
        if (node.NeverExecuted)
        {
            line.Append("  ").Append(Style("never executed", "2"));
            return;
        }

        if (node.ActualRows is { } actual && node.PlanRows is { } planned)
        {
            line.Append("  rows ").Append(Number(planned)).Append(" est → ").Append(Number(actual)).Append(" actual");
            if (node.EstimateErrorFactor is >= 10 and var factor)
                line.Append(Style($" ({factor.ToString(factor >= 100 ? "N0" : "0.#", CultureInfo.InvariantCulture)}× {(actual > planned ? "under" : "over")})", "33"));
        }
        else if (node.PlanRows is { } est)
        {
            line.Append("  rows ").Append(Number(est));
        }

        if (node.ActualLoops is > 1 and var loops) line.Append("  loops ").Append(Number(loops));

        if (Own(node, useTime) is { } o && o > 0 && total > 0)
        {
            var share = o / total;
            var text = useTime ? $"{Ms(o)} ({share:P1})" : $"cost {Number(o)} ({share:P1})";
            line.Append("  ").Append(hot ? Style("● " + text, "31") : text);
        }

        AppendRemoved(line, node, node.RowsRemovedByFilter, "filter");
        AppendRemoved(line, node, node.RowsRemovedByJoinFilter, "join filter");
        AppendRemoved(line, node, node.RowsRemovedByIndexRecheck, "index recheck");
        if (node.HeapFetches is > 0 and var fetches) line.Append("  heap fetches ").Append(Number(fetches));
        if (node.WorkersPlanned is { } wp)
            line.Append("  workers ").Append(wp.ToString(CultureInfo.InvariantCulture)).Append(" planned")
                .Append(node.WorkersLaunched is { } wl ? $", {wl} launched" : "");
    }

    private static void AppendRemoved(StringBuilder line, PlanNode node, long? removedPerLoop, string by)
    {
        // PostgreSQL prints "Rows Removed by ..." averaged per loop; the user wants the total.
        if (removedPerLoop is > 0 and var removed)
            line.Append("  removed by ").Append(by).Append(' ').Append(Number(removed * (node.ActualLoops ?? 1)));
    }

    private static double? Own(PlanNode node, bool useTime) => useTime ? node.ExclusiveTimeMs : node.ExclusiveCost;

    private static HashSet<PlanNode> Costliest(IReadOnlyList<PlanNode> nodes, bool useTime, double total)
    {
        // Only nodes that carry a real part of the work are marked, at most three of them.
        var ranked = new List<(PlanNode Node, double Own)>(nodes.Count);
        foreach (var node in nodes)
        {
            if (Own(node, useTime) is { } own && own >= total * MarkedShare) ranked.Add((node, own));
        }
        ranked.Sort((a, b) => b.Own.CompareTo(a.Own));
        var set = new HashSet<PlanNode>();
        for (var i = 0; i < ranked.Count && i < CostliestMarked; i++) set.Add(ranked[i].Node);
        return set;
    }

    private string Style(string text, string sgr) => _colour ? $"\u001b[{sgr}m{text}\u001b[0m" : text;

    internal static string Severity(RuleSeverity severity) => severity switch
    {
        RuleSeverity.Critical => "critical",
        RuleSeverity.Warning => "warning",
        _ => "info",
    };

    private static string SeverityColour(RuleSeverity severity) => severity switch
    {
        RuleSeverity.Critical => "1;31",
        RuleSeverity.Warning => "33",
        _ => "36",
    };

    internal static string Number(double? value) => value is not { } v ? "?"
        : v == Math.Floor(v) && Math.Abs(v) < 1e15 ? v.ToString("N0", CultureInfo.InvariantCulture)
        : v.ToString("N2", CultureInfo.InvariantCulture);

    private static string Ms(double? value) => value is { } v ? v.ToString("N3", CultureInfo.InvariantCulture) + " ms" : "? ms";
}
