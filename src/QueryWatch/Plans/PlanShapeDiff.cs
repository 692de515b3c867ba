using System.Text;

namespace QueryWatch.Plans;

/// <summary>
/// Two plans' shapes lined up node by node (issue #15): lines both share, in order, are kept; between
/// two shared lines, what the first plan had is paired in order with what the second has instead
/// ("Index Scan using ix_orders_customer on orders → Seq Scan on orders"), the rest is removed or added.
/// </summary>
internal sealed class PlanShapeDiff
{
    // A longest-common-subsequence table is rows × columns cells; past this, plans are compared line by line.
    private const int MaxCells = 4_000_000;

    private PlanShapeDiff(IReadOnlyList<PlanShapeLine> before, IReadOnlyList<PlanShapeLine> after, List<PlanShapeRow> rows)
    {
        Before = before;
        After = after;
        Rows = rows;
    }

    public IReadOnlyList<PlanShapeLine> Before { get; }
    public IReadOnlyList<PlanShapeLine> After { get; }

    /// <summary>The aligned rows, in the order of both trees.</summary>
    public IReadOnlyList<PlanShapeRow> Rows { get; }

    /// <summary>True when both plans have the same shape.</summary>
    public bool IsSame
    {
        get
        {
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

    /// <summary>The rows that differ, as "before → after", "removed: …" or "added: …", depth not shown.</summary>
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
            }
        }
        return list;
    }

    /// <summary>One tree, its differing lines marked with <c>*</c> in the margin.</summary>
    public string RenderTree(bool after)
    {
        var sb = new StringBuilder();
        foreach (var row in Rows)
        {
            var line = after ? row.After : row.Before;
            if (line is not { } l) continue;
            sb.Append(row.Kind == PlanShapeChange.Same ? "  " : "* ").Append(' ', l.Depth * 2).Append(l.Text).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Both trees side by side, a marker between them: <c>|</c> same, <c>*</c> changed, <c>&lt;</c> removed, <c>&gt;</c> added.</summary>
    public string RenderSideBySide()
    {
        var width = 0;
        foreach (var row in Rows) if (row.Before is { } l) width = Math.Max(width, l.Depth * 2 + l.Text.Length);
        var sb = new StringBuilder();
        foreach (var row in Rows)
        {
            var left = row.Before is { } l ? new string(' ', l.Depth * 2) + l.Text : "";
            var right = row.After is { } r ? new string(' ', r.Depth * 2) + r.Text : "";
            var marker = row.Kind switch
            {
                PlanShapeChange.Same => '|',
                PlanShapeChange.Changed => '*',
                PlanShapeChange.Removed => '<',
                _ => '>',
            };
            sb.Append(left.PadRight(width)).Append(' ').Append(marker).Append(' ').Append(right).Append('\n');
        }
        return sb.ToString();
    }

    private static List<PlanShapeRow> Align(IReadOnlyList<PlanShapeLine> a, IReadOnlyList<PlanShapeLine> b)
    {
        var rows = new List<PlanShapeRow>(Math.Max(a.Count, b.Count));
        if ((long)(a.Count + 1) * (b.Count + 1) > MaxCells)
        {
            for (var k = 0; k < Math.Max(a.Count, b.Count); k++)
                Gap(rows, a, k, Math.Min(k + 1, a.Count), b, k, Math.Min(k + 1, b.Count));
            return rows;
        }

        // lcs[i, j]: length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Count + 1, b.Count + 1];
        for (var i = a.Count - 1; i >= 0; i--)
        for (var j = b.Count - 1; j >= 0; j--)
            lcs[i, j] = Equal(a[i], b[j]) ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        int x = 0, y = 0, gapA = 0, gapB = 0;
        while (x < a.Count && y < b.Count)
        {
            if (Equal(a[x], b[y]) && lcs[x, y] == lcs[x + 1, y + 1] + 1)
            {
                Gap(rows, a, gapA, x, b, gapB, y);
                rows.Add(new PlanShapeRow(PlanShapeChange.Same, a[x], b[y]));
                x++;
                y++;
                gapA = x;
                gapB = y;
            }
            else if (lcs[x + 1, y] >= lcs[x, y + 1]) x++;
            else y++;
        }
        Gap(rows, a, gapA, a.Count, b, gapB, b.Count);
        return rows;
    }

    // Lines of each plan between two shared ones: paired in order, the longer side's rest removed or added.
    private static void Gap(List<PlanShapeRow> rows, IReadOnlyList<PlanShapeLine> a, int fromA, int toA, IReadOnlyList<PlanShapeLine> b, int fromB, int toB)
    {
        int i = fromA, j = fromB;
        for (; i < toA && j < toB; i++, j++)
            rows.Add(new PlanShapeRow(Equal(a[i], b[j]) ? PlanShapeChange.Same : PlanShapeChange.Changed, a[i], b[j]));
        for (; i < toA; i++) rows.Add(new PlanShapeRow(PlanShapeChange.Removed, a[i], null));
        for (; j < toB; j++) rows.Add(new PlanShapeRow(PlanShapeChange.Added, null, b[j]));
    }

    private static bool Equal(PlanShapeLine x, PlanShapeLine y) => x.Depth == y.Depth && string.Equals(x.Text, y.Text, StringComparison.Ordinal);
}
