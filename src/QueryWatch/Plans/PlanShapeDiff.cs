using System.Text;

namespace QueryWatch.Plans;

/// <summary>
/// Two plans' shapes lined up node by node (issue #15). Lines both share, in order, are kept (as moved
/// when a parent above them came or went); lines are matched on their text, not their depth, so a Limit
/// that appears above a subtree shows as one added node, not as every node below it changed. The lines
/// left over are paired: first a node of the first plan with a node of the second that reads the same
/// relation ("Index Scan using ix_orders_customer on orders → Seq Scan on orders"), then, between two
/// shared lines, the rest in order; what is still unpaired was removed or added.
/// </summary>
internal sealed class PlanShapeDiff
{
    // A longest-common-subsequence table is rows × columns cells; past this, plans are compared line by line.
    private const int MaxCells = 4_000_000;

    private readonly PlanShapeChange[] _beforeKinds;
    private readonly PlanShapeChange[] _afterKinds;

    private PlanShapeDiff(IReadOnlyList<PlanShapeLine> before, IReadOnlyList<PlanShapeLine> after, List<PlanShapeRow> rows)
    {
        Before = before;
        After = after;
        Rows = rows;
        _beforeKinds = new PlanShapeChange[before.Count];
        _afterKinds = new PlanShapeChange[after.Count];
        // PlanShape.Lines follows Plan.Nodes, whose index is each node's Id.
        foreach (var row in rows)
        {
            if (row.Before is { } b) _beforeKinds[b.Node.Id] = row.Kind;
            if (row.After is { } a) _afterKinds[a.Node.Id] = row.Kind;
        }
    }

    public IReadOnlyList<PlanShapeLine> Before { get; }
    public IReadOnlyList<PlanShapeLine> After { get; }

    /// <summary>The paired rows: shared lines in the order of both trees, then the pairs and leftovers of each gap.</summary>
    public IReadOnlyList<PlanShapeRow> Rows { get; }

    /// <summary>True when both plans have the same shape.</summary>
    public bool IsSame
    {
        get
        {
            if (Before.Count != After.Count) return false;
            foreach (var row in Rows) if (row.Kind != PlanShapeChange.Same) return false;
            return true;
        }
    }

    public static PlanShapeDiff Compare(Plan before, Plan after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var a = PlanShape.Lines(before);
        var b = PlanShape.Lines(after);
        return new PlanShapeDiff(a, b, Align(a, b));
    }

    /// <summary>The rows that differ, as "before → after", "removed: …", "added: …" or "moved: …", depth not shown.</summary>
    public IReadOnlyList<string> Differences()
    {
        var list = new List<string>();
        foreach (var row in Rows)
        {
            switch (row.Kind)
            {
                case PlanShapeChange.Changed: list.Add(row.Before!.Value.Text + " → " + row.After!.Value.Text); break;
                case PlanShapeChange.Removed: list.Add("removed: " + row.Before!.Value.Text); break;
                case PlanShapeChange.Added: list.Add("added: " + row.After!.Value.Text); break;
                case PlanShapeChange.Moved: list.Add("moved: " + row.After!.Value.Text); break;
            }
        }
        return list;
    }

    /// <summary>One tree, in its own order, each line with its <see cref="Marker"/> in the margin.</summary>
    public string RenderTree(bool after)
    {
        var sb = new StringBuilder();
        foreach (var line in TreeLines(after)) sb.Append(line).Append('\n');
        return sb.ToString();
    }

    /// <summary>Both trees side by side, each in its own order with its <see cref="Marker"/>s, the first on the left.</summary>
    public string RenderSideBySide()
    {
        var left = TreeLines(after: false);
        var right = TreeLines(after: true);
        var width = 0;
        foreach (var l in left) width = Math.Max(width, l.Length);
        var sb = new StringBuilder();
        for (var i = 0; i < Math.Max(left.Count, right.Count); i++)
        {
            var l = i < left.Count ? left[i] : "";
            var r = i < right.Count ? right[i] : "";
            sb.Append(l.PadRight(width)).Append(" | ").Append(r).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The margin mark of a line: blank when the same, <c>*</c> changed, <c>-</c> removed, <c>+</c> added, <c>~</c> moved.</summary>
    public static char Marker(PlanShapeChange kind) => kind switch
    {
        PlanShapeChange.Same => ' ',
        PlanShapeChange.Changed => '*',
        PlanShapeChange.Removed => '-',
        PlanShapeChange.Added => '+',
        _ => '~',
    };

    private List<string> TreeLines(bool after)
    {
        var lines = after ? After : Before;
        var kinds = after ? _afterKinds : _beforeKinds;
        var list = new List<string>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
            list.Add(Marker(kinds[i]) + " " + new string(' ', lines[i].Depth * 2) + lines[i].Text);
        return list;
    }

    private static List<PlanShapeRow> Align(IReadOnlyList<PlanShapeLine> a, IReadOnlyList<PlanShapeLine> b)
    {
        var rows = new List<PlanShapeRow>(Math.Max(a.Count, b.Count));
        if ((long)(a.Count + 1) * (b.Count + 1) > MaxCells)
        {
            Gap(rows, a, 0, a.Count, b, 0, b.Count);
            return PairByRelation(rows);
        }

        // lcs[i, j]: length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Count + 1, b.Count + 1];
        for (var i = a.Count - 1; i >= 0; i--)
        for (var j = b.Count - 1; j >= 0; j--)
            lcs[i, j] = SameText(a[i], b[j]) ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        int x = 0, y = 0, gapA = 0, gapB = 0;
        while (x < a.Count && y < b.Count)
        {
            if (SameText(a[x], b[y]) && lcs[x, y] == lcs[x + 1, y + 1] + 1)
            {
                Gap(rows, a, gapA, x, b, gapB, y);
                rows.Add(Pair(a[x], b[y]));
                x++;
                y++;
                gapA = x;
                gapB = y;
            }
            else if (lcs[x + 1, y] >= lcs[x, y + 1]) x++;
            else y++;
        }
        Gap(rows, a, gapA, a.Count, b, gapB, b.Count);
        return PairByRelation(rows);
    }

    // Lines of each plan between two shared ones: same relation first, then in order; the rest removed or added.
    private static void Gap(List<PlanShapeRow> rows, IReadOnlyList<PlanShapeLine> a, int fromA, int toA, IReadOnlyList<PlanShapeLine> b, int fromB, int toB)
    {
        if (fromA == toA && fromB == toB) return;
        var partner = new int[toA - fromA];
        Array.Fill(partner, -1);
        var taken = new bool[toB - fromB];
        for (var i = fromA; i < toA; i++)
        {
            if (a[i].Node.RelationName is not { } relation) continue;
            for (var j = fromB; j < toB; j++)
            {
                if (taken[j - fromB] || b[j].Node.RelationName != relation) continue;
                partner[i - fromA] = j;
                taken[j - fromB] = true;
                break;
            }
        }

        // A node that reads a relation pairs only by relation; the others pair in order with each other.
        var nextB = fromB;
        for (var i = fromA; i < toA; i++)
        {
            if (partner[i - fromA] >= 0 || a[i].Node.RelationName is not null) continue;
            while (nextB < toB && (taken[nextB - fromB] || b[nextB].Node.RelationName is not null)) nextB++;
            if (nextB >= toB) break;
            partner[i - fromA] = nextB;
            taken[nextB - fromB] = true;
        }

        for (var i = fromA; i < toA; i++)
            rows.Add(partner[i - fromA] is var j and >= 0 ? Pair(a[i], b[j]) : new PlanShapeRow(PlanShapeChange.Removed, a[i], null));
        for (var j = fromB; j < toB; j++)
            if (!taken[j - fromB]) rows.Add(new PlanShapeRow(PlanShapeChange.Added, null, b[j]));
    }

    // A scan that moved across a shared line (a join's sides swapped) is still the same relation's scan.
    private static List<PlanShapeRow> PairByRelation(List<PlanShapeRow> rows)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Kind != PlanShapeChange.Removed || rows[i].Before!.Value.Node.RelationName is not { } relation) continue;
            for (var j = 0; j < rows.Count; j++)
            {
                if (rows[j].Kind != PlanShapeChange.Added || rows[j].After!.Value.Node.RelationName != relation) continue;
                rows[j] = Pair(rows[i].Before!.Value, rows[j].After!.Value);
                rows.RemoveAt(i--);
                break;
            }
        }
        return rows;
    }

    private static PlanShapeRow Pair(PlanShapeLine x, PlanShapeLine y) => new(
        !SameText(x, y) ? PlanShapeChange.Changed : x.Depth == y.Depth ? PlanShapeChange.Same : PlanShapeChange.Moved, x, y);

    private static bool SameText(PlanShapeLine x, PlanShapeLine y) => string.Equals(x.Text, y.Text, StringComparison.Ordinal);
}
