namespace QueryWatch.Explain;

/// <summary>Why no probe was built for a finding; the <c>reason</c> tag of <c>querywatch.probes</c> (<see cref="ProbeRefusals.Tag"/>).</summary>
internal enum ProbeRefusal
{
    /// <summary>Nothing stands in the way.</summary>
    None,

    /// <summary>The statement is not a plain read-only SELECT (DML, a data-modifying CTE, SELECT INTO, several statements).</summary>
    NotReadOnly,

    /// <summary>The statement or plan locks rows (FOR UPDATE/SHARE, LockRows).</summary>
    Locking,

    /// <summary>The finding's node is not a bet over a single table the probe knows how to measure.</summary>
    Shape,

    /// <summary>A condition calls a function.</summary>
    FunctionCall,

    /// <summary>A condition refers to a SubPlan or InitPlan.</summary>
    SubPlanReference,

    /// <summary>A condition holds something the probe does not understand (another relation's column, a comment...).</summary>
    Expression,

    /// <summary>A <c>$n</c> placeholder that cannot be bound to a captured parameter.</summary>
    Parameter,

    /// <summary>The walked index's order cannot be restated (not a b-tree, an expression key, not found).</summary>
    IndexOrder,

    /// <summary>An operator the condition uses is implemented by a volatile function (it could have side effects).</summary>
    VolatileOperator,

    /// <summary>The statement's probes are spent (a few per statement at most).</summary>
    Budget,
}
