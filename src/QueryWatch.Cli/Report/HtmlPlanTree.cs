using System.Globalization;
using System.Text;
using QueryWatch.Plans;
using QueryWatch.Rules;

namespace QueryWatch.Cli.Report;

/// <summary>
/// A finding's plan as nested lists, one item per node with its estimates, actuals and conditions; the node
/// the finding names is marked. A plan that cannot be read costs its own box a one-line reason, never the page.
/// </summary>
internal static class HtmlPlanTree
{
    private const string PathSeparator = " → ";

    public static void Append(StringBuilder html, string? planJson, string? nodePath, string ruleId)
    {
        if (string.IsNullOrWhiteSpace(planJson))
        {
            html.Append("<p class=\"note\">No plan was kept for this finding.</p>\n");
            return;
        }

        Plan plan;
        try
        {
            plan = PlanReader.Read(planJson);
        }
        catch (PlanParseException e)
        {
            html.Append("<p class=\"note plan-error\">The stored plan could not be read: ").AppendEncoded(e.Message).Append("</p>\n");
            return;
        }

        var flagged = FlaggedNode(plan, nodePath);
        html.Append("<div class=\"plan\">\n<p class=\"plan-head\">")
            .Append(plan.HasActuals
                ? "Plan (ANALYZE)" + (plan.ExecutionTimeMs is { } exec ? ", " + Html.Encode(Html.Duration(exec)) + " execution" : "")
                : "Plan (estimated), total cost " + Html.Encode(PlanTreeWriter.Number(plan.Root.TotalCost)))
            .Append("</p>\n");
        if (nodePath is not null && flagged is null)
            html.Append("<p class=\"note\">The flagged node (").AppendEncoded(nodePath).Append(") is not in this plan.</p>\n");

        // Iterative, with explicit closing marks: a pathological plan thousands of levels deep must not overflow the stack.
        html.Append("<ul class=\"tree\">\n");
        var stack = new Stack<PlanNode?>();
        stack.Push(plan.Root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is null)
            {
                html.Append("</ul></li>\n");
                continue;
            }

            AppendNode(html, node, node == flagged, ruleId);
            var children = node.Children;
            if (children.Count == 0)
            {
                html.Append("</li>\n");
                continue;
            }

            html.Append("<ul>\n");
            stack.Push(null);
            for (var i = children.Count - 1; i >= 0; i--) stack.Push(children[i]);
        }
        html.Append("</ul>\n</div>\n");
    }

    /// <summary>
    /// The node at <paramref name="nodePath"/>: the one whose readable path is exactly it, else (a path written by
    /// another version, or redacted) the first node whose own name is the path's last step.
    /// </summary>
    internal static PlanNode? FlaggedNode(Plan plan, string? nodePath)
    {
        if (string.IsNullOrEmpty(nodePath)) return null;
        foreach (var node in plan.Nodes)
        {
            if (PlanPath.Of(node) == nodePath) return node;
        }

        var cut = nodePath.LastIndexOf(PathSeparator, StringComparison.Ordinal);
        var last = cut < 0 ? nodePath : nodePath[(cut + PathSeparator.Length)..];
        foreach (var node in plan.Nodes)
        {
            if (PlanPath.ShortName(node) == last) return node;
        }
        return null;
    }

    private static void AppendNode(StringBuilder html, PlanNode node, bool flagged, string ruleId)
    {
        html.Append(flagged ? "<li class=\"flagged\"><div class=\"node\" aria-current=\"true\">" : "<li><div class=\"node\">");
        if (node.SubplanName is { } label && node.Parent is not null)
            html.Append("<span class=\"label\">").AppendEncoded(label).Append("</span> ");
        html.Append("<span class=\"name\">").AppendEncoded(node.DisplayName).Append("</span>");
        if (flagged) html.Append(" <mark class=\"flag\">◀ ").AppendEncoded(ruleId).Append(" flags this node</mark>");
        html.Append("<span class=\"figures\">");
        AppendFigures(html, node);
        html.Append("</span>");
        AppendDetail(html, "Index Cond", node.IndexCond);
        AppendDetail(html, "Recheck Cond", node.RecheckCond);
        AppendDetail(html, "Hash Cond", node.HashCond);
        AppendDetail(html, "Merge Cond", node.MergeCond);
        AppendDetail(html, "Join Filter", node.JoinFilter);
        AppendDetail(html, "Filter", node.Filter);
        AppendDetail(html, "One-Time Filter", node.OneTimeFilter);
        AppendDetail(html, "Sort Key", node.SortKey is { Count: > 0 } sort ? string.Join(", ", sort) : null);
        AppendDetail(html, "Group Key", node.GroupKey is { Count: > 0 } group ? string.Join(", ", group) : null);
        AppendDetail(html, "Sort Method", node.SortMethod is { } method
            ? method + (node.SortSpaceUsedKb is { } kb ? $" ({node.SortSpaceType ?? "space"}: {kb.ToString(CultureInfo.InvariantCulture)} kB)" : "")
            : null);
        html.Append("</div>");
    }

    private static void AppendFigures(StringBuilder html, PlanNode node)
    {
        var parts = new List<string>(5);
        if (node.StartupCost is { } startup && node.TotalCost is { } total)
            parts.Add("cost " + PlanTreeWriter.Number(startup) + ".." + PlanTreeWriter.Number(total));
        if (node.PlanRows is { } planned) parts.Add("rows " + PlanTreeWriter.Number(planned) + " est");
        if (node.NeverExecuted) parts.Add("never executed");
        else
        {
            if (node.ActualRows is { } actual) parts.Add(PlanTreeWriter.Number(actual) + " actual");
            if (node.ActualLoops is > 1 and var loops) parts.Add("loops " + PlanTreeWriter.Number(loops));
            if (node.ExclusiveTimeMs is { } own) parts.Add(Html.Duration(own) + " own");
        }
        if (node.RowsRemovedByFilter is > 0 and var removed)
            parts.Add("removed by filter " + PlanTreeWriter.Number(removed * (node.ActualLoops ?? 1)));
        if (node.HeapFetches is > 0 and var fetches) parts.Add("heap fetches " + PlanTreeWriter.Number(fetches));
        foreach (var part in parts) html.Append("<span>").AppendEncoded(part).Append("</span>");
    }

    private static void AppendDetail(StringBuilder html, string name, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        html.Append("<div class=\"detail\"><span class=\"dk\">").AppendEncoded(name).Append(":</span> <code>")
            .AppendEncoded(value).Append("</code></div>");
    }
}
