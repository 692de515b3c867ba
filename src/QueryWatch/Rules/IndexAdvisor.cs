using QueryWatch.Plans;

namespace QueryWatch.Rules;

/// <summary>
/// Builds the index a rule proposes from what the plan says about one scan: equality columns first
/// (they narrow a B-tree to one key range), then the columns the rows are wanted in order of, then
/// range columns (a B-tree serves one range after its equality prefix; later ones are checked inside
/// the index, which still beats the heap). Conditions under an OR are left out: a column that only
/// sometimes restricts the rows cannot lead an index.
/// </summary>
internal static class IndexAdvisor
{
    /// <summary>
    /// An index for <paramref name="scan"/>'s relation on the columns of <paramref name="conditions"/>
    /// (Index Cond, Filter, join condition text), followed by <paramref name="orderColumns"/>; null when
    /// the scan names no relation or no condition yields a plain column.
    /// </summary>
    public static IndexAdvice? ForConditions(PlanNode scan, IEnumerable<string?> conditions, IReadOnlyList<string>? orderColumns = null)
    {
        if (TableOf(scan) is not { } table) return null;
        var equality = new List<string>();
        var range = new List<string>();
        foreach (var condition in conditions)
        {
            foreach (var term in PredicateColumns.Conjuncts(condition))
            {
                if (term.Contains(" OR ", StringComparison.Ordinal)) continue;
                foreach (var column in PredicateColumns.Read(term))
                {
                    if (column.IsEquality) AddOnce(equality, column.Name);
                    else AddOnce(range, column.Name);
                }
            }
        }
        range.RemoveAll(equality.Contains);
        var keys = new List<string>(equality);
        if (orderColumns is not null) foreach (var c in orderColumns) AddOnce(keys, c);
        foreach (var c in range) AddOnce(keys, c);
        return keys.Count == 0 ? null : new IndexAdvice(table, keys, [], null);
    }

    /// <summary>An expression index (<c>((lower(email)))</c>) on <paramref name="scan"/>'s relation; null without a relation.</summary>
    public static IndexAdvice? ForExpressions(PlanNode scan, IReadOnlyList<string> expressions)
    {
        if (TableOf(scan) is not { } table || expressions.Count == 0) return null;
        // An expression key must be parenthesised unless it is a bare function call; always doing so is valid.
        return new IndexAdvice(table, [.. expressions.Select(e => "(" + e + ")")], [], null);
    }

    /// <summary>The relation as the DDL names it: schema-qualified whenever the plan says the schema (VERBOSE).</summary>
    public static string? TableOf(PlanNode scan) =>
        scan.RelationName is { } r ? (scan.Schema is { } s ? s + "." + r : r) : null;

    private static void AddOnce(List<string> list, string name)
    {
        if (!list.Contains(name)) list.Add(name);
    }
}
