using System.Globalization;
using QueryWatch.Plans;
using static QueryWatch.Rules.RuleContext;

namespace QueryWatch.Rules;

/// <summary>A Sort that did not fit work_mem and went to disk.</summary>
internal sealed class QW010SortSpill : IPlanRule
{
    public string Id => "QW010";
    public string Name => "sort-spill";
    public RuleSeverity DefaultSeverity => RuleSeverity.Warning;
    public string Summary => "Sort went to disk (external merge/sort): work_mem too small for it, or a sort an index could avoid";

    public IReadOnlyDictionary<string, double> DefaultThresholds { get; } = new Dictionary<string, double>
    {
        ["minDiskKb"] = 1,
    };

    public void Inspect(RuleContext context, PlanNode node)
    {
        if (node.NodeType != "Sort") return;
        var spilled = IsDisk(node.SortMethod, node.SortSpaceType);
        var diskKb = spilled ? node.SortSpaceUsedKb ?? 0 : 0;
        foreach (var worker in node.Workers)
        {
            if (!IsDisk(worker.SortMethod, worker.SortSpaceType)) continue;
            spilled = true;
            diskKb += worker.SortSpaceUsedKb ?? 0;
        }
        if (!spilled || diskKb < context.Threshold("minDiskKb")) return;

        var keys = node.SortKey is { Count: > 0 } k ? string.Join(", ", k) : null;
        var memoryMb = Math.Max(4, (int)Math.Ceiling(diskKb * 2 / 1024.0 / 4) * 4);
        var advice = keys is not null && NodeFacts.FirstScan(node) is { } scan && node.SortKey!.All(key => !key.Contains('(') && !key.Contains(' '))
            ? IndexAdvisor.ForConditions(scan, [], [.. node.SortKey!.Select(key => key[(key.LastIndexOf('.') + 1)..])])
            : null;
        var index = advice is not null
            ? $", or return rows already ordered: {advice.Ddl}"
            : keys is null ? "" : $", or an index on ({keys}) so rows arrive ordered";
        context.Report(node,
            $"{PlanPath.ShortName(node)}{(keys is null ? "" : " on " + keys)} did not fit work_mem and went to disk ({node.SortMethod ?? "external"}, {RuleText.Kb(diskKb)} written) for {RuleText.Count(NodeFacts.Rows(node))} rows.",
            $"Give this query more sort memory (SET LOCAL work_mem = '{memoryMb.ToString(CultureInfo.InvariantCulture)}MB' in its transaction){index}; selecting fewer or narrower columns shrinks what is sorted.",
            [Fact("sortMethod", node.SortMethod ?? ""), Fact("diskKb", diskKb), Fact("rows", NodeFacts.Rows(node)), Fact("sortKey", keys ?? "")]);
    }

    private static bool IsDisk(string? method, string? space) =>
        space == "Disk" || method?.StartsWith("external", StringComparison.Ordinal) == true;
}
