namespace QueryWatch.Plans;

/// <summary>A whole EXPLAIN result: the node tree and what PostgreSQL prints around it.</summary>
internal sealed class Plan
{
    private IReadOnlyList<PlanNode>? _nodes;

    public Plan(PlanNode root, PlanFormat format)
    {
        Root = root;
        Format = format;
    }

    public PlanNode Root { get; }
    public PlanFormat Format { get; }

    public double? PlanningTimeMs { get; set; }
    public double? ExecutionTimeMs { get; set; }

    /// <summary>PostgreSQL's query identifier (VERBOSE with <c>compute_query_id</c>), as printed.</summary>
    public string? QueryIdentifier { get; set; }

    /// <summary>Non-default planner settings (EXPLAIN SETTINGS), name to value.</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);
    public JitDetail? Jit { get; set; }
    public List<TriggerDetail> Triggers { get; } = [];
    public BufferCounts? PlanningBuffers { get; set; }

    /// <summary>
    /// The version of the server that printed the plan, when known: set by whoever explained it on a
    /// connection (EXPLAIN itself never prints it). Rules whose advice differs by version read it.
    /// </summary>
    public Version? ServerVersion { get; set; }

    /// <summary>Top-level properties not modelled above, by their JSON name, with their value as text.</summary>
    public Dictionary<string, string> Extra { get; } = new(StringComparer.Ordinal);

    /// <summary>True when the plan carries ANALYZE figures.</summary>
    public bool HasActuals => Root.HasActuals;

    /// <summary>All nodes, depth first (parents before children), in the order EXPLAIN prints them.</summary>
    public IReadOnlyList<PlanNode> Nodes => _nodes ??= Flatten();

    private List<PlanNode> Flatten()
    {
        // Iterative: a pathological 10,000-level plan must not overflow the stack.
        var list = new List<PlanNode>();
        var stack = new Stack<PlanNode>();
        stack.Push(Root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            node.Id = list.Count;
            list.Add(node);
            var children = node.Children;
            for (var i = children.Count - 1; i >= 0; i--) stack.Push(children[i]);
        }
        return list;
    }
}
