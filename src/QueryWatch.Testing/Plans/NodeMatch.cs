using QueryWatch.Plans;

namespace QueryWatch.Testing;

/// <summary>
/// Whether a plan node is of the kind a test names, spelt as PostgreSQL prints it. The kind is the
/// node's TEXT heading without its index and relation; <c>Parallel</c>, <c>Partial</c> and
/// <c>Finalize</c> are modes of a kind, and a join type names every join method of that type
/// (<c>Anti Join</c> holds for <c>Hash Anti Join</c>).
/// </summary>
internal static class NodeMatch
{
    public static bool Matches(PlanNode node, string kind, string? on)
    {
        if (on is not null
            && !string.Equals(node.RelationName, on, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(node.Alias, on, StringComparison.OrdinalIgnoreCase))
            return false;

        var heading = Kind(node);
        if (string.Equals(heading, kind, StringComparison.OrdinalIgnoreCase)) return true;
        var bare = heading;
        foreach (var mode in (ReadOnlySpan<string>)["Parallel ", "Partial ", "Finalize "])
        {
            if (bare.StartsWith(mode, StringComparison.Ordinal)) bare = bare[mode.Length..];
        }

        if (string.Equals(bare, kind, StringComparison.OrdinalIgnoreCase)) return true;
        return kind.EndsWith("Join", StringComparison.OrdinalIgnoreCase)
            && bare.EndsWith(" " + kind, StringComparison.OrdinalIgnoreCase);
    }

    private static string Kind(PlanNode node)
    {
        var name = node.DisplayName;
        var cut = name.Length;
        var usingAt = name.IndexOf(" using ", StringComparison.Ordinal);
        if (usingAt >= 0) cut = usingAt;
        var onAt = name.IndexOf(" on ", StringComparison.Ordinal);
        if (onAt >= 0 && onAt < cut) cut = onAt;
        return name[..cut];
    }
}
