namespace QueryWatch.Plans;

/// <summary>
/// One node of a PostgreSQL plan, as read from either EXPLAIN format. Names and spellings are
/// PostgreSQL's JSON ones (<c>Aggregate</c> + <see cref="Strategy"/> <c>Hashed</c>, not
/// <c>HashAggregate</c>); the TEXT parser maps onto the same properties, so one model serves both.
/// Estimated-only plans leave every <c>Actual*</c> property null.
/// </summary>
internal sealed class PlanNode
{
    private List<PlanNode>? _children;
    private double? _estimatedExecutions;

    // ---- identity -------------------------------------------------------------------------

    /// <summary>JSON <c>Node Type</c>: <c>Seq Scan</c>, <c>Index Scan</c>, <c>Aggregate</c>, <c>Nested Loop</c>…</summary>
    public string NodeType { get; set; } = "";

    /// <summary><c>Plain</c>, <c>Sorted</c>, <c>Hashed</c> or <c>Mixed</c> for Aggregate; <c>Plain</c>/<c>Hashed</c> for SetOp.</summary>
    public string? Strategy { get; set; }

    /// <summary><c>Partial</c>, <c>Finalize</c> or <c>Simple</c> for a parallel Aggregate.</summary>
    public string? PartialMode { get; set; }

    /// <summary><c>Insert</c>/<c>Update</c>/<c>Delete</c>/<c>Merge</c> for ModifyTable; the SetOp command for SetOp.</summary>
    public string? Operation { get; set; }

    /// <summary>JSON <c>Parent Relationship</c>: <c>Outer</c>, <c>Inner</c>, <c>SubPlan</c>, <c>InitPlan</c>, <c>Member</c>, <c>Subquery</c>.</summary>
    public string? ParentRelationship { get; set; }

    /// <summary>JSON <c>Subplan Name</c>: <c>SubPlan 1</c>, <c>InitPlan 1 (returns $0)</c>, <c>CTE name</c>.</summary>
    public string? SubplanName { get; set; }

    public bool ParallelAware { get; set; }
    public bool? AsyncCapable { get; set; }

    public string? RelationName { get; set; }
    public string? Schema { get; set; }
    public string? Alias { get; set; }
    public string? IndexName { get; set; }
    public string? FunctionName { get; set; }
    public string? CteName { get; set; }
    public string? ScanDirection { get; set; }

    /// <summary>JSON <c>Join Type</c>: <c>Inner</c>, <c>Left</c>, <c>Full</c>, <c>Right</c>, <c>Semi</c>, <c>Anti</c>, <c>Right Semi</c>, <c>Right Anti</c>.</summary>
    public string? JoinType { get; set; }
    public bool? InnerUnique { get; set; }

    // ---- estimates ------------------------------------------------------------------------

    public double? StartupCost { get; set; }
    public double? TotalCost { get; set; }

    /// <summary>Estimated rows per loop (JSON <c>Plan Rows</c>).</summary>
    public double? PlanRows { get; set; }
    public int? PlanWidth { get; set; }

    // ---- actuals (ANALYZE) ------------------------------------------------------------------

    /// <summary>Per-loop average, in ms, as PostgreSQL prints it.</summary>
    public double? ActualStartupTimeMs { get; set; }

    /// <summary>Per-loop average, in ms, as PostgreSQL prints it.</summary>
    public double? ActualTotalTimeMs { get; set; }

    /// <summary>Rows per loop (PostgreSQL divides by loops, rounding).</summary>
    public double? ActualRows { get; set; }
    public double? ActualLoops { get; set; }

    /// <summary>ANALYZE ran and this node never did (TEXT <c>(never executed)</c>, JSON loops 0).</summary>
    public bool NeverExecuted { get; set; }

    // ---- conditions ------------------------------------------------------------------------

    public string? Filter { get; set; }
    public string? IndexCond { get; set; }
    public string? RecheckCond { get; set; }
    public string? JoinFilter { get; set; }
    public string? HashCond { get; set; }
    public string? MergeCond { get; set; }
    public string? OneTimeFilter { get; set; }
    public string? TidCond { get; set; }
    public IReadOnlyList<string>? SortKey { get; set; }
    public IReadOnlyList<string>? PresortedKey { get; set; }
    public IReadOnlyList<string>? GroupKey { get; set; }
    public IReadOnlyList<string>? Output { get; set; }

    public long? RowsRemovedByFilter { get; set; }
    public long? RowsRemovedByJoinFilter { get; set; }
    public long? RowsRemovedByIndexRecheck { get; set; }
    public long? HeapFetches { get; set; }

    // ---- sort, hash, bitmap, parallel ---------------------------------------------------------

    /// <summary><c>quicksort</c>, <c>top-N heapsort</c>, <c>external merge</c>, <c>external sort</c>.</summary>
    public string? SortMethod { get; set; }

    /// <summary><c>Memory</c> or <c>Disk</c>.</summary>
    public string? SortSpaceType { get; set; }
    public long? SortSpaceUsedKb { get; set; }

    public long? HashBuckets { get; set; }
    public long? OriginalHashBuckets { get; set; }
    public long? HashBatches { get; set; }
    public long? OriginalHashBatches { get; set; }
    public long? PeakMemoryUsageKb { get; set; }

    /// <summary>HashAggregate's <c>Batches</c> (PostgreSQL 13+).</summary>
    public long? HashAggBatches { get; set; }
    public long? DiskUsageKb { get; set; }

    public long? ExactHeapBlocks { get; set; }
    public long? LossyHeapBlocks { get; set; }

    public int? WorkersPlanned { get; set; }
    public int? WorkersLaunched { get; set; }

    public BufferCounts? Buffers { get; set; }
    public List<WorkerDetail> Workers { get; } = [];

    /// <summary>Properties not modelled above, by their JSON name, with their value as text (non-scalars as raw JSON).</summary>
    public Dictionary<string, string> Extra { get; } = new(StringComparer.Ordinal);

    // ---- tree ------------------------------------------------------------------------------

    public PlanNode? Parent { get; private set; }

    public IReadOnlyList<PlanNode> Children => (IReadOnlyList<PlanNode>?)_children ?? [];

    /// <summary>Depth-first index in the plan, root = 0; assigned by <see cref="Plan"/>.</summary>
    public int Id { get; internal set; }

    public void AddChild(PlanNode child)
    {
        child.Parent = this;
        (_children ??= []).Add(child);
    }

    // ---- derived ---------------------------------------------------------------------------

    /// <summary>True when the plan was taken with ANALYZE (this node has actual figures or never ran).</summary>
    public bool HasActuals => ActualLoops.HasValue || NeverExecuted;

    /// <summary>Rows the node produced over all its loops (<see cref="ActualRows"/> × <see cref="ActualLoops"/>); null without ANALYZE.</summary>
    public double? TotalActualRows => ActualRows is { } r && ActualLoops is { } l ? r * l : null;

    /// <summary>
    /// How many times the planner expects this node to run if the query runs to completion, from the
    /// plan's structure: a Nested Loop's inner side once per outer row (times the outer side's own runs),
    /// a plain SubPlan once per row of the node evaluating it, a hashed one once per rescan of that node
    /// when it reads a parameter from an outer level (else once). 1 for the root. ANALYZE's loops, when
    /// known, are <see cref="ActualLoops"/>; this is the estimated plan's stand-in.
    /// </summary>
    public double EstimatedExecutions => _estimatedExecutions ??= PlanExecutions.Of(this);

    /// <summary>
    /// How far the estimate is off, as a factor ≥ 1 in either direction (actual 24,360 vs estimated 326 = 74.7);
    /// null without ANALYZE or for a node that never ran. Zero counts as one row, as the planner never estimates zero.
    /// </summary>
    public double? EstimateErrorFactor
    {
        get
        {
            if (ActualRows is not { } actual || PlanRows is not { } planned || NeverExecuted) return null;
            var a = Math.Max(actual, 1);
            var p = Math.Max(planned, 1);
            return a >= p ? a / p : p / a;
        }
    }

    /// <summary>
    /// Wall-clock time spent in this node across all loops, in ms (per-loop time × loops, divided
    /// among the processes that ran it for a parallel-aware node); null without ANALYZE timing.
    /// </summary>
    public double? InclusiveTimeMs
    {
        get
        {
            if (NeverExecuted) return 0;
            if (ActualTotalTimeMs is not { } t || ActualLoops is not { } loops) return null;
            var total = t * loops;
            // A node run by the leader and N workers reports loops = N + 1 with per-loop averages;
            // they ran concurrently, so the wall-clock share is the per-process figure.
            var processes = ParallelProcesses();
            return processes > 1 ? total / processes : total;
        }
    }

    /// <summary>
    /// Time spent in this node itself, without its children (InitPlans included, as they run apart), in ms; never negative.
    /// </summary>
    public double? ExclusiveTimeMs
    {
        get
        {
            if (InclusiveTimeMs is not { } inclusive) return null;
            var own = inclusive;
            foreach (var child in Children)
            {
                // An InitPlan runs once, before its parent, and is not part of the parent's timing;
                // a CTE's scan node is timed under whoever reads it.
                if (child.ParentRelationship == "InitPlan") continue;
                if (child.InclusiveTimeMs is { } c) own -= c;
            }
            return Math.Max(own, 0);
        }
    }

    /// <summary>
    /// The planner's cost for this node itself: its total cost less its children's (InitPlans
    /// aside); never negative (a Limit costs less than the input it stops reading). Null without costs.
    /// </summary>
    public double? ExclusiveCost
    {
        get
        {
            if (TotalCost is not { } own) return null;
            foreach (var child in Children)
            {
                if (child.ParentRelationship == "InitPlan") continue;
                if (child.TotalCost is { } c) own -= c;
            }
            return Math.Max(own, 0);
        }
    }

    private int ParallelProcesses()
    {
        for (var n = this; n is not null; n = n.Parent)
        {
            if (n.NodeType is "Gather" or "Gather Merge")
                return n == this ? 1 : (n.WorkersLaunched ?? n.WorkersPlanned ?? 0) + 1;
        }
        return 1;
    }

    /// <summary>The node as PostgreSQL's TEXT format would head it, e.g. <c>Index Scan using ix on t</c>.</summary>
    public string DisplayName
    {
        get
        {
            var name = NodeType switch
            {
                "Aggregate" => Strategy switch
                {
                    "Hashed" => "HashAggregate",
                    "Sorted" => "GroupAggregate",
                    "Mixed" => "MixedAggregate",
                    _ => "Aggregate",
                },
                "SetOp" when Strategy == "Hashed" => "HashSetOp",
                "ModifyTable" when Operation is not null => Operation,
                _ => NodeType,
            };
            if (PartialMode is "Partial" or "Finalize") name = PartialMode + " " + name;
            if (ParallelAware && !name.StartsWith("Parallel ", StringComparison.Ordinal)) name = "Parallel " + name;
            if (JoinType is { } jt && jt != "Inner" && NodeType is "Nested Loop" or "Hash Join" or "Merge Join")
                name = NodeType == "Nested Loop" ? $"Nested Loop {jt} Join" : $"{NodeType[..^5]} {jt} Join";
            if (IndexName is not null) name += " using " + IndexName;
            if (RelationName is not null)
            {
                name += " on " + RelationName;
                if (Alias is not null && Alias != RelationName) name += " " + Alias;
            }
            else if (CteName is not null) name += " on " + CteName;
            else if (FunctionName is not null) name += " on " + FunctionName;
            else if (Alias is not null) name += " on " + Alias; // Subquery Scan on pc, Values Scan on "*VALUES*"
            return name;
        }
    }

    public override string ToString() => DisplayName;
}
