namespace QueryWatch.Plans.Text;

/// <summary>
/// Maps a TEXT node name (<c>Parallel Index Scan Backward using ix on public.t a</c>) onto the JSON
/// properties of <see cref="PlanNode"/> (<c>Node Type</c> <c>Index Scan</c>, <c>Scan Direction</c>
/// <c>Backward</c>, <c>Parallel Aware</c>…), following explain.c's <c>ExplainNode</c> and
/// <c>ExplainTargetRel</c>: https://github.com/postgres/postgres/blob/REL_17_STABLE/src/backend/commands/explain.c
/// </summary>
internal static class NodeNameParser
{
    // Types TEXT prints verbatim, with nothing after the name but " on target" for scans.
    private static readonly string[] SimpleTypes =
    [
        "Result", "ProjectSet", "Append", "Merge Append", "Recursive Union", "BitmapAnd", "BitmapOr",
        "Seq Scan", "Sample Scan", "Index Scan", "Index Only Scan", "Bitmap Index Scan", "Bitmap Heap Scan",
        "Tid Scan", "Tid Range Scan", "Subquery Scan", "Function Scan", "Table Function Scan", "Values Scan",
        "CTE Scan", "Named Tuplestore Scan", "WorkTable Scan", "Foreign Scan", "Custom Scan", "Materialize",
        "Memoize", "Sort", "Incremental Sort", "Group", "WindowAgg", "Unique", "Gather Merge", "Gather",
        "Hash", "LockRows", "Limit", "Aggregate", "SetOp",
    ];

    private static readonly string[] JoinTypes = ["Right Semi", "Right Anti", "Left", "Full", "Right", "Semi", "Anti"];

    /// <summary>True when <paramref name="name"/> starts with a node type PostgreSQL prints (used to find a plan in prose).</summary>
    public static bool IsKnown(ReadOnlySpan<char> name)
    {
        name = StripPrefixes(name);
        foreach (var prefix in (ReadOnlySpan<string>)["HashAggregate", "GroupAggregate", "MixedAggregate", "HashSetOp ", "SetOp ",
                     "Insert on ", "Update on ", "Delete on ", "Merge on ", "Nested Loop", "Hash Join", "Merge Join", "Hash ", "Merge "])
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal)) return true;
        }
        foreach (var type in SimpleTypes)
        {
            if (name.SequenceEqual(type) || (name.StartsWith(type, StringComparison.Ordinal) && name.Length > type.Length && name[type.Length] == ' '))
                return true;
        }
        return false;
    }

    private static ReadOnlySpan<char> StripPrefixes(ReadOnlySpan<char> name)
    {
        if (name.StartsWith("Parallel ", StringComparison.Ordinal)) name = name[9..];
        if (name.StartsWith("Async ", StringComparison.Ordinal)) name = name[6..];
        if (name.StartsWith("Partial ", StringComparison.Ordinal)) name = name[8..];
        else if (name.StartsWith("Finalize ", StringComparison.Ordinal)) name = name[9..];
        return name;
    }

    /// <summary>Fills <paramref name="node"/>'s identity from the name part of a node line.</summary>
    public static void Apply(PlanNode node, ReadOnlySpan<char> name)
    {
        name = name.Trim();
        // explain.c prints "Parallel " then "Async " before the node's own name.
        node.AsyncCapable = false;
        if (name.StartsWith("Parallel ", StringComparison.Ordinal)) { node.ParallelAware = true; name = name[9..]; }
        if (name.StartsWith("Async ", StringComparison.Ordinal)) { node.AsyncCapable = true; name = name[6..]; }

        string? partial = null;
        if (name.StartsWith("Partial ", StringComparison.Ordinal)) { partial = "Partial"; name = name[8..]; }
        else if (name.StartsWith("Finalize ", StringComparison.Ordinal)) { partial = "Finalize"; name = name[9..]; }

        if (TryAggregate(node, name, partial)) return;
        if (TrySetOp(node, name)) return;
        if (TryModifyTable(node, name)) return;
        if (TryForeignModify(node, name)) return;
        if (TryJoin(node, name)) return;
        if (partial is not null) name = (partial + " " + name.ToString()).AsSpan();

        foreach (var type in SimpleTypes)
        {
            if (!name.StartsWith(type, StringComparison.Ordinal)) continue;
            var rest = name[type.Length..];
            if (!rest.IsEmpty && rest[0] != ' ') continue;
            node.NodeType = type;
            ApplyTarget(node, type, rest.TrimStart());
            return;
        }
        // A node type this parser does not know (a newer PostgreSQL, an extension): keep its name.
        node.NodeType = name.ToString();
    }

    private static bool TryAggregate(PlanNode node, ReadOnlySpan<char> name, string? partial)
    {
        string? strategy = name switch
        {
            "HashAggregate" => "Hashed",
            "GroupAggregate" => "Sorted",
            "MixedAggregate" => "Mixed",
            "Aggregate" => "Plain",
            _ => null,
        };
        if (strategy is null) return false;
        node.NodeType = "Aggregate";
        node.Strategy = strategy;
        // JSON prints "Partial Mode" on every Aggregate, "Simple" when it is not split.
        node.PartialMode = partial ?? "Simple";
        return true;
    }

    private static bool TrySetOp(PlanNode node, ReadOnlySpan<char> name)
    {
        string strategy;
        if (name.StartsWith("HashSetOp ", StringComparison.Ordinal)) { strategy = "Hashed"; name = name[10..]; }
        else if (name.StartsWith("SetOp ", StringComparison.Ordinal)) { strategy = "Sorted"; name = name[6..]; }
        else return false;
        node.NodeType = "SetOp";
        node.Strategy = strategy;
        PlanNodeProperties.SetString(node, "Command", name.Trim().ToString());
        return true;
    }

    private static bool TryModifyTable(PlanNode node, ReadOnlySpan<char> name)
    {
        foreach (var operation in (ReadOnlySpan<string>)["Insert", "Update", "Delete", "Merge"])
        {
            if (!name.StartsWith(operation, StringComparison.Ordinal) || !name[operation.Length..].StartsWith(" on ", StringComparison.Ordinal))
                continue;
            node.NodeType = "ModifyTable";
            node.Operation = operation;
            ApplyRelation(node, name[(operation.Length + 4)..]);
            return true;
        }
        return false;
    }

    // explain.c names a Foreign Scan that modifies directly "Foreign Insert/Update/Delete"; JSON says
    // Node Type "Foreign Scan" with an "Operation".
    private static bool TryForeignModify(PlanNode node, ReadOnlySpan<char> name)
    {
        foreach (var operation in (ReadOnlySpan<string>)["Insert", "Update", "Delete"])
        {
            if (!name.StartsWith("Foreign ", StringComparison.Ordinal) || !name[8..].StartsWith(operation, StringComparison.Ordinal)
                || !(name.Length == 8 + operation.Length || name[8..][operation.Length..].StartsWith(" on ", StringComparison.Ordinal)))
                continue;
            node.NodeType = "Foreign Scan";
            node.Operation = operation;
            ApplyTarget(node, "Foreign Scan", name[(8 + operation.Length)..].TrimStart());
            return true;
        }
        return false;
    }

    private static bool TryJoin(PlanNode node, ReadOnlySpan<char> name)
    {
        string type;
        ReadOnlySpan<char> rest;
        if (name.StartsWith("Nested Loop", StringComparison.Ordinal)) { type = "Nested Loop"; rest = name[11..]; }
        else if (name.StartsWith("Hash ", StringComparison.Ordinal) && name.EndsWith(" Join", StringComparison.Ordinal)) { type = "Hash Join"; rest = name[4..^5]; }
        else if (name.StartsWith("Merge ", StringComparison.Ordinal) && name.EndsWith(" Join", StringComparison.Ordinal)) { type = "Merge Join"; rest = name[5..^5]; }
        else return false;

        rest = rest.Trim();
        if (type == "Nested Loop" && !rest.IsEmpty)
        {
            if (!rest.EndsWith(" Join", StringComparison.Ordinal)) return false;
            rest = rest[..^5].Trim();
        }
        string joinType = "Inner";
        if (!rest.IsEmpty)
        {
            var found = false;
            foreach (var jt in JoinTypes)
            {
                if (!rest.SequenceEqual(jt)) continue;
                joinType = jt;
                found = true;
                break;
            }
            if (!found) return false;
        }
        node.NodeType = type;
        node.JoinType = joinType;
        return true;
    }

    private static void ApplyTarget(PlanNode node, string type, ReadOnlySpan<char> rest)
    {
        if (rest.IsEmpty) return;
        switch (type)
        {
            case "Index Scan" or "Index Only Scan":
                if (rest.StartsWith("Backward ", StringComparison.Ordinal)) { node.ScanDirection = "Backward"; rest = rest[9..]; }
                else node.ScanDirection = "Forward";
                if (rest.StartsWith("using ", StringComparison.Ordinal))
                {
                    rest = rest[6..];
                    var on = IndexOfOutsideQuotes(rest, " on ");
                    node.IndexName = TextSyntax.Unquote(on < 0 ? rest : rest[..on]);
                    rest = on < 0 ? [] : rest[(on + 4)..];
                }
                if (!rest.IsEmpty) ApplyRelation(node, rest);
                return;
            case "Bitmap Index Scan":
                if (rest.StartsWith("on ", StringComparison.Ordinal)) node.IndexName = TextSyntax.Unquote(rest[3..].Trim());
                return;
            case "Custom Scan":
                // "Custom Scan (ProviderName) on rel alias"
                if (rest.StartsWith("(", StringComparison.Ordinal))
                {
                    var close = rest.IndexOf(')');
                    if (close > 0)
                    {
                        node.Extra["Custom Plan Provider"] = rest[1..close].ToString();
                        rest = rest[(close + 1)..].TrimStart();
                    }
                }
                if (rest.StartsWith("on ", StringComparison.Ordinal)) ApplyRelation(node, rest[3..]);
                return;
        }
        if (!rest.StartsWith("on ", StringComparison.Ordinal)) return;
        rest = rest[3..];
        switch (type)
        {
            case "Function Scan":
                ApplyNamed(node, rest, static (n, schema, name) => { n.Schema = schema; n.FunctionName = name; });
                return;
            case "CTE Scan" or "WorkTable Scan":
                ApplyNamed(node, rest, static (n, _, name) => n.CteName = name);
                return;
            case "Named Tuplestore Scan":
                ApplyNamed(node, rest, static (n, _, name) => n.Extra["Tuplestore Name"] = name);
                return;
            case "Table Function Scan":
                ApplyNamed(node, rest, static (n, _, name) => n.Extra["Table Function Name"] = name);
                return;
            case "Subquery Scan" or "Values Scan":
                node.Alias = TextSyntax.Unquote(rest.Trim());
                return;
            default:
                ApplyRelation(node, rest);
                return;
        }
    }

    private static void ApplyRelation(PlanNode node, ReadOnlySpan<char> text) =>
        ApplyNamed(node, text, static (n, schema, name) => { n.Schema = schema; n.RelationName = name; });

    // "[schema.]name [alias]": JSON always prints Alias, equal to the name when TEXT shows none.
    private static void ApplyNamed(PlanNode node, ReadOnlySpan<char> text, Action<PlanNode, string?, string> set)
    {
        var parts = TextSyntax.SplitIdentifiers(text.Trim());
        if (parts.Count == 0) return;
        var (schema, name) = TextSyntax.SplitQualified(parts[0]);
        set(node, schema, name);
        node.Alias = parts.Count > 1 ? TextSyntax.Unquote(parts[1]) : name;
    }

    private static int IndexOfOutsideQuotes(ReadOnlySpan<char> text, string value)
    {
        var inQuote = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') inQuote = !inQuote;
            else if (!inQuote && text[i..].StartsWith(value, StringComparison.Ordinal)) return i;
        }
        return -1;
    }
}
