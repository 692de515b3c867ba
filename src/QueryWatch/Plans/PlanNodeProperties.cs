using System.Globalization;

namespace QueryWatch.Plans;

/// <summary>
/// The one mapping from PostgreSQL's JSON property names to <see cref="PlanNode"/>. The JSON parser
/// calls it with the names it reads; the TEXT parser first maps each detail line to the JSON name
/// (<c>Rows Removed by Filter</c>, <c>Sort Method</c>…) and calls it too, so both formats fill the
/// same properties. Whatever is not known lands in <see cref="PlanNode.Extra"/>.
/// </summary>
internal static class PlanNodeProperties
{
    /// <summary>Sets a string-valued property; unknown names are kept in <see cref="PlanNode.Extra"/>.</summary>
    public static void SetString(PlanNode node, string name, string value)
    {
        switch (name)
        {
            case "Node Type": node.NodeType = value; break;
            case "Strategy": node.Strategy = value; break;
            case "Partial Mode": node.PartialMode = value; break;
            case "Operation": node.Operation = value; break;
            case "Command": node.Operation ??= value; node.Extra[name] = value; break;
            case "Parent Relationship": node.ParentRelationship = value; break;
            case "Subplan Name": node.SubplanName = value; break;
            case "Relation Name": node.RelationName = value; break;
            case "Schema": node.Schema = value; break;
            case "Alias": node.Alias = value; break;
            case "Index Name": node.IndexName = value; break;
            case "Function Name": node.FunctionName = value; break;
            case "CTE Name": node.CteName = value; break;
            case "Scan Direction": node.ScanDirection = value; break;
            case "Join Type": node.JoinType = value; break;
            case "Filter": node.Filter = value; break;
            case "Index Cond": node.IndexCond = value; break;
            case "Recheck Cond": node.RecheckCond = value; break;
            case "Join Filter": node.JoinFilter = value; break;
            case "Hash Cond": node.HashCond = value; break;
            case "Merge Cond": node.MergeCond = value; break;
            case "One-Time Filter": node.OneTimeFilter = value; break;
            case "TID Cond": node.TidCond = value; break;
            case "Sort Method": node.SortMethod = value; break;
            case "Sort Space Type": node.SortSpaceType = value; break;
            default:
                // A number or boolean that came as text (TEXT format) still fills its typed property.
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && TrySetNumber(node, name, d)) break;
                if (value is "true" or "false" && TrySetBool(node, name, value == "true")) break;
                node.Extra[name] = value;
                break;
        }
    }

    /// <summary>Sets a numeric property; unknown names are kept in <see cref="PlanNode.Extra"/>.</summary>
    public static void SetNumber(PlanNode node, string name, double value)
    {
        if (!TrySetNumber(node, name, value))
            node.Extra[name] = value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Sets a boolean property; unknown names are kept in <see cref="PlanNode.Extra"/>.</summary>
    public static void SetBool(PlanNode node, string name, bool value)
    {
        if (!TrySetBool(node, name, value))
            node.Extra[name] = value ? "true" : "false";
    }

    /// <summary>Sets a list-valued property (<c>Output</c>, <c>Sort Key</c>, <c>Group Key</c>…); unknown names are kept joined by ", ".</summary>
    public static void SetList(PlanNode node, string name, IReadOnlyList<string> values)
    {
        switch (name)
        {
            case "Output": node.Output = values; break;
            case "Sort Key": node.SortKey = values; break;
            case "Presorted Key": node.PresortedKey = values; break;
            case "Group Key": node.GroupKey = values; break;
            default: node.Extra[name] = string.Join(", ", values); break;
        }
    }

    /// <summary>True when <paramref name="name"/> is a list-valued property in JSON.</summary>
    public static bool IsList(string name) => name is "Output" or "Sort Key" or "Presorted Key" or "Group Key"
        or "Group Keys" or "Grouping Sets" or "Hash Keys" or "Cache Key";

    public static bool TrySetNumber(PlanNode node, string name, double value)
    {
        switch (name)
        {
            case "Startup Cost": node.StartupCost = value; return true;
            case "Total Cost": node.TotalCost = value; return true;
            case "Plan Rows": node.PlanRows = value; return true;
            case "Plan Width": node.PlanWidth = (int)value; return true;
            case "Actual Startup Time": node.ActualStartupTimeMs = value; return true;
            case "Actual Total Time": node.ActualTotalTimeMs = value; return true;
            case "Actual Rows": node.ActualRows = value; return true;
            case "Actual Loops":
                node.ActualLoops = value;
                // JSON has no "never executed": a node that never ran reports zero loops.
                if (value == 0) node.NeverExecuted = true;
                return true;
            case "Rows Removed by Filter": node.RowsRemovedByFilter = (long)value; return true;
            case "Rows Removed by Join Filter": node.RowsRemovedByJoinFilter = (long)value; return true;
            case "Rows Removed by Index Recheck": node.RowsRemovedByIndexRecheck = (long)value; return true;
            case "Heap Fetches": node.HeapFetches = (long)value; return true;
            case "Sort Space Used": node.SortSpaceUsedKb = (long)value; return true;
            case "Hash Buckets": node.HashBuckets = (long)value; return true;
            case "Original Hash Buckets": node.OriginalHashBuckets = (long)value; return true;
            case "Hash Batches": node.HashBatches = (long)value; return true;
            case "Original Hash Batches": node.OriginalHashBatches = (long)value; return true;
            case "Peak Memory Usage": node.PeakMemoryUsageKb = (long)value; return true;
            case "HashAgg Batches": node.HashAggBatches = (long)value; return true;
            case "Disk Usage": node.DiskUsageKb = (long)value; return true;
            case "Exact Heap Blocks": node.ExactHeapBlocks = (long)value; return true;
            case "Lossy Heap Blocks": node.LossyHeapBlocks = (long)value; return true;
            case "Workers Planned": node.WorkersPlanned = (int)value; return true;
            case "Workers Launched": node.WorkersLaunched = (int)value; return true;
            default:
                if (BufferCounts.IsBufferProperty(name))
                {
                    (node.Buffers ??= new BufferCounts()).TrySet(name, value);
                    return true;
                }
                return false;
        }
    }

    public static bool TrySetBool(PlanNode node, string name, bool value)
    {
        switch (name)
        {
            case "Parallel Aware": node.ParallelAware = value; return true;
            case "Async Capable": node.AsyncCapable = value; return true;
            case "Inner Unique": node.InnerUnique = value; return true;
            default: return false;
        }
    }
}
