using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>Readable node paths: <c>Limit → Unique → Gather Merge → Parallel Index Scan on process_workeractivity</c>.</summary>
internal static class PlanPath
{
    public static string Of(PlanNode node)
    {
        var parts = new List<string>();
        for (var n = node; n is not null; n = n.Parent)
        {
            parts.Add(ShortName(n));
            // "SubPlan 1", "InitPlan 1 (returns $0)", "CTE recent": say which branch the path takes.
            if (n.SubplanName is { Length: > 0 } label) parts.Add(label);
        }
        parts.Reverse();
        return string.Join(" → ", parts);
    }

    /// <summary>The TEXT heading without the index name: <c>Parallel Index Scan on process_workeractivity</c>.</summary>
    public static string ShortName(PlanNode node)
    {
        var name = node.DisplayName;
        return node.IndexName is { } index ? name.Replace(" using " + index, "", StringComparison.Ordinal) : name;
    }

    /// <summary><c>Index Scan using ix on t</c> → "the index scan on t (ix)" style phrase for messages.</summary>
    public static string Describe(PlanNode node)
    {
        var name = ShortName(node);
        return node.IndexName is { } index ? $"{name} (index {index})" : name;
    }
}
