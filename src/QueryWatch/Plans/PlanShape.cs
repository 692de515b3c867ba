using System.Text;

namespace QueryWatch.Plans;

/// <summary>
/// What makes two plans of one statement the same plan, as lines and as a 64-bit hash (issue #15).
/// A line per node, in EXPLAIN's order, indented by depth: the node type as PostgreSQL's TEXT format
/// heads it (aggregate and set-op strategy, partial mode, parallel awareness, join type, a backward
/// scan), the index, the relation, function or CTE it reads, and how it hangs off its parent when
/// that is an InitPlan, SubPlan (hashed or not) or CTE. Child order carries the join order.
/// </summary>
/// <remarks>
/// Left out, because they move between two runs of one plan: costs, rows, widths, timings, loops,
/// buffers, worker counts, sort/hash memory, JIT, triggers, planning figures, and every condition
/// text (Filter, Index Cond, keys, Output): those carry the statement's columns and literals, which
/// the fingerprint already covers, and parameter values, which are no part of a plan's shape.
/// Aliases are left out (alias-insensitive); so are schemas, which only VERBOSE prints, so that the
/// same plan read with and without VERBOSE keeps its hash. SubPlan and InitPlan numbers and their
/// "(returns $0)" tails are left out too: their spelling changed between PostgreSQL 15 and 17.
/// Changing what a line says changes every recorded hash: plan history stores would see every
/// statement's plan "change" once. Don't, without a reason worth that.
/// </remarks>
internal static class PlanShape
{
    // FNV-1a, 64-bit (http://www.isthe.com/chongo/tech/comp/fnv/): fixed constants and no per-process
    // seed, unlike string.GetHashCode, so a hash recorded by one process compares with another's.
    private const ulong OffsetBasis = 0xCBF29CE484222325;
    private const ulong Prime = 0x100000001B3;

    /// <summary>The plan's shape hash.</summary>
    public static ulong Hash(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var hash = OffsetBasis;
        foreach (var line in Lines(plan))
        {
            hash = Mix(hash, (char)('0' + Math.Min(line.Depth, 0xFFFF - '0')));
            foreach (var c in line.Text) hash = Mix(hash, c);
            hash = Mix(hash, '\n');
        }
        return hash;
    }

    /// <summary>The shape hash as 16 lower-case hex digits, as logged, stored and printed.</summary>
    public static string HashText(Plan plan) => Format(Hash(plan));

    /// <summary>A shape hash as 16 lower-case hex digits.</summary>
    public static string Format(ulong hash) => hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The plan's shape, one line per node, depth first in EXPLAIN's order.</summary>
    public static IReadOnlyList<PlanShapeLine> Lines(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var nodes = plan.Nodes;
        var lines = new PlanShapeLine[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            // Parents come before their children in Nodes, and Id is the index there.
            var depth = node.Parent is { } parent ? lines[parent.Id].Depth + 1 : 0;
            lines[i] = new PlanShapeLine(depth, Label(node), node);
        }
        return lines;
    }

    /// <summary>The shape as text: one line per node, two spaces per level.</summary>
    public static string Render(Plan plan)
    {
        var sb = new StringBuilder();
        foreach (var line in Lines(plan)) sb.Append(' ', line.Depth * 2).Append(line.Text).Append('\n');
        return sb.ToString();
    }

    /// <summary>One node's line: <c>SubPlan: Index Scan using ix_orders_customer on orders</c>.</summary>
    public static string Label(PlanNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var sb = new StringBuilder();
        switch (node.ParentRelationship)
        {
            // JSON names a CTE as an InitPlan "CTE name"; the TEXT parser does the same.
            case "InitPlan" when node.SubplanName is { } cte && cte.StartsWith("CTE ", StringComparison.Ordinal):
                sb.Append(cte).Append(": ");
                break;
            case "InitPlan":
                sb.Append("InitPlan: ");
                break;
            case "SubPlan":
                sb.Append(IsHashed(node) ? "hashed SubPlan: " : "SubPlan: ");
                break;
        }

        if (node.ParallelAware) sb.Append("Parallel ");
        if (node.PartialMode is "Partial" or "Finalize") sb.Append(node.PartialMode).Append(' ');
        sb.Append(TypeName(node));
        if (node.ScanDirection == "Backward") sb.Append(" Backward");
        if (node.IndexName is { } index) sb.Append(" using ").Append(index);
        if (node.RelationName is { } relation) sb.Append(" on ").Append(relation);
        else if (node.CteName is { } cteName) sb.Append(" on ").Append(cteName);
        else if (node.FunctionName is { } function) sb.Append(" on ").Append(function);
        return sb.ToString();
    }

    private static string TypeName(PlanNode node) => node.NodeType switch
    {
        "Aggregate" => node.Strategy switch
        {
            "Hashed" => "HashAggregate",
            "Sorted" => "GroupAggregate",
            "Mixed" => "MixedAggregate",
            _ => "Aggregate",
        },
        "SetOp" => (node.Strategy == "Hashed" ? "HashSetOp" : "SetOp") + (node.Operation is { } command ? " " + command : ""),
        "ModifyTable" when node.Operation is { } operation => operation,
        "Foreign Scan" when node.Operation is { } operation and not "Select" => "Foreign " + operation,
        "Nested Loop" or "Hash Join" or "Merge Join" when node.JoinType is { } join and not "Inner" =>
            node.NodeType == "Nested Loop" ? "Nested Loop " + join + " Join" : node.NodeType[..^5] + " " + join + " Join",
        _ => node.NodeType,
    };

    // A hashed SubPlan runs once and is probed per row; a plain one runs per row: a different plan.
    // Only the condition that uses it says which ("(hashed SubPlan 1)").
    private static bool IsHashed(PlanNode node)
    {
        if (node.Parent is not { } parent || node.SubplanName is not { } name) return false;
        var hashed = "hashed " + name;
        return Mentions(parent.Filter, hashed) || Mentions(parent.JoinFilter, hashed) || Mentions(parent.OneTimeFilter, hashed)
            || Mentions(parent.IndexCond, hashed) || Mentions(parent.RecheckCond, hashed) || Mentions(parent.HashCond, hashed)
            || Mentions(parent.MergeCond, hashed);

        static bool Mentions(string? text, string what) => text is not null && text.Contains(what, StringComparison.Ordinal);
    }

    private static ulong Mix(ulong hash, char c)
    {
        hash = (hash ^ (byte)c) * Prime;
        return (hash ^ (byte)(c >> 8)) * Prime;
    }
}
