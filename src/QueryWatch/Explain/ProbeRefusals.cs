namespace QueryWatch.Explain;

/// <summary>The metric and log spelling of <see cref="ProbeRefusal"/>.</summary>
internal static class ProbeRefusals
{
    public static string Tag(this ProbeRefusal refusal) => refusal switch
    {
        ProbeRefusal.None => "none",
        ProbeRefusal.NotReadOnly => "not_read_only",
        ProbeRefusal.Locking => "locking",
        ProbeRefusal.Shape => "shape",
        ProbeRefusal.FunctionCall => "function_call",
        ProbeRefusal.SubPlanReference => "subplan_reference",
        ProbeRefusal.Expression => "expression",
        ProbeRefusal.Parameter => "parameter",
        ProbeRefusal.IndexOrder => "index_order",
        ProbeRefusal.VolatileOperator => "volatile_operator",
        ProbeRefusal.Budget => "budget",
        _ => "other",
    };
}
